package steps

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The repacking scripts, run as the repack job runs them on a job's
// directory layout, leave the model archive's files and the code under
// code/ in the model directory.
func TestRepackScripts(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	root := t.TempDir()
	dir := func(parts ...string) string {
		p := filepath.Join(append([]string{root}, parts...)...)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write := func(path string, data []byte, mode os.FileMode) {
		if err := os.WriteFile(path, data, mode); err != nil {
			t.Fatal(err)
		}
	}
	code, channel, config, model := dir("code"), dir("input", "data", "training"), dir("input", "config"), dir("model")
	write(filepath.Join(code, "inference.py"), []byte("def model_fn(d): pass\n"), 0o644)
	write(filepath.Join(code, "_repack_model.py"), repackScript, 0o644)
	write(filepath.Join(code, repackLauncher), repackLauncherScript, 0o755)

	var archive bytes.Buffer
	zw := gzip.NewWriter(&archive)
	tw := tar.NewWriter(zw)
	body := []byte("weights")
	if err := tw.WriteHeader(&tar.Header{Name: "xgboost-model", Mode: 0o644, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	tw.Write(body)
	tw.Close()
	zw.Close()
	write(filepath.Join(channel, "model.tar.gz"), archive.Bytes(), 0o644)
	hps, _ := json.Marshal(map[string]string{
		"inference_script": `"inference.py"`, "model_archive": `"s3://b/job/output/model.tar.gz"`,
		"dependencies": "null", "source_dir": `"src"`,
	})
	write(filepath.Join(config, "hyperparameters.json"), hps, 0o644)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", "./"+repackLauncher)
	cmd.Dir = code
	cmd.Env = append(os.Environ(), "SM_INPUT_CONFIG_DIR="+config, "SM_CHANNEL_TRAINING="+channel, "SM_MODEL_DIR="+model)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	for path, want := range map[string]string{
		"xgboost-model": "weights", "code/inference.py": "def model_fn(d): pass\n",
	} {
		got, err := os.ReadFile(filepath.Join(model, path))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", path, got, err, want)
		}
	}
	for _, helper := range []string{"code/_repack_model.py", "code/" + repackLauncher} {
		if _, err := os.Stat(filepath.Join(model, helper)); err == nil {
			t.Errorf("%s was packed into the model", helper)
		}
	}
}
