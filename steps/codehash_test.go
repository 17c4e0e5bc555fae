package steps_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// The expected digests were computed by SDK 2.257.6's hash_files_or_dirs
// over the same files.
func TestHashCode(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{"file", []string{"testdata/code/train.py"}, "4138944aae301c8d1955d87848dfcdf43f9162dc18a8788b72a069b5c82c8ef1"},
		{"path string counts", []string{"./testdata/code/train.py"}, "bf0705879c4f9d62939e803a0498dea2433224c7f7bec0403233cc0d80bd864d"},
		{"directory walk", []string{"testdata/code/src"}, "480326dd509d347fb9439d223fb570275c8c983a096c7f5b36fd9c248fb60ff0"},
		{"sorted paths", []string{"testdata/code/train.py", "testdata/code/src"}, "784cfe17c4c8be135ce82502a62dc4596b8b3d370d707bc0799dd9ae7bb0ecbd"},
		// A framework processor's code is relative to its source
		// directory, so it is hashed by name only.
		{"framework processor", []string{"main.py", "testdata/code/src"}, "ec8918a2468ca1f3e01d54ae2b201a877b4e8c191335dd025f91c93c84f7c8aa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := steps.HashCode(tt.paths...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("HashCode(%q) = %s, want %s", tt.paths, got, tt.want)
			}
		})
	}
}

func TestHashCodeFileURL(t *testing.T) {
	abs, err := filepath.Abs("testdata/code/train.py")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := steps.HashCode(abs)
	if err != nil {
		t.Fatal(err)
	}
	url, err := steps.HashCode("file://" + abs)
	if err != nil {
		t.Fatal(err)
	}
	if plain != url {
		t.Errorf("file:// URL hashes to %s, plain path to %s", url, plain)
	}
}

func TestHashCodeMissing(t *testing.T) {
	got, err := steps.HashCode("testdata/code/no-such-file.py")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("testdata/code/no-such-file.py"))
	if want := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("missing path hashes to %s, want the hash of its name %s", got, want)
	}
	// Steps report missing local code.
	p := steps.Processing("P", steps.Processor{ImageURI: params.Lit("i"), InstanceType: params.Lit("t"), InstanceCount: params.Lit(1)},
		steps.ProcessingJob{Code: "testdata/code/no-such-file.py"})
	if err := errors.Join(proto.Problems(p)...); !errors.Is(err, steps.ErrCode) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Problems = %v, want ErrCode wrapping fs.ErrNotExist", proto.Problems(p))
	}
}

// TestCodeKeyFollowsEdits edits a step's local script after the step was
// built and compiled once: the next compilation must stage it under the
// new content's key.
func TestCodeKeyFollowsEdits(t *testing.T) {
	script := filepath.Join(t.TempDir(), "prep.py")
	write := func(body string) {
		t.Helper()
		if err := os.WriteFile(script, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("print(1)\n")
	s := steps.Processing("Prep", steps.Processor{ImageURI: params.Lit("img"), InstanceType: lit("t"), InstanceCount: params.Lit(1)},
		steps.ProcessingJob{Code: script, Layout: steps.LayoutPipeline})
	key := func() string {
		t.Helper()
		sum, err := steps.HashCode(script)
		if err != nil {
			t.Fatal(err)
		}
		if got := encode(t, s, testEnv()); !strings.Contains(got, "/code/"+sum+"/prep.py") {
			t.Fatalf("the definition does not stage the code under %s:\n%s", sum, got)
		}
		return sum
	}
	first := key()
	write("print(2)\n")
	if second := key(); second == first {
		t.Fatal("the edit did not change the hash")
	}
}
