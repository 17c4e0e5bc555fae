package sagemaker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/sagemaker/internal/smfake"
	"github.com/sagepipe/sagepipe/steps"
)

// A repacked model's code is staged with the repacking scripts, at the
// location the repack step's definition names.
func TestUpsertStagesRepackCode(t *testing.T) {
	h := newHarness(t)
	ctx := testContext(t)
	src := filepath.Join(t.TempDir(), "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "inference.py"), []byte("def model_fn(d): pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	train := steps.Training("Train", steps.Estimator{ImageURI: params.Lit("img"),
		InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1)})
	model := steps.CreateModel("M", steps.Model{ImageURI: params.Lit("img"),
		ModelData:  train.Properties().ModelArtifacts().S3ModelArtifacts(),
		EntryPoint: "inference.py", SourceDir: src, Repack: true})
	p := pipeline.New("repack").Steps(train, model).
		Env(steps.Env{Bucket: testBucket, Region: smfake.Region, Role: testRole})
	want, err := frozen(p).Definition()
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.c.Upsert(ctx, p, testRole, UpsertOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Staged) != 1 || !strings.Contains(string(want), res.Staged[0]) {
		t.Fatalf("staged %q; the definition names:\n%s", res.Staged, want)
	}
	files := untar(t, h.object(t, strings.TrimPrefix(res.Staged[0], "s3://"+testBucket+"/")))
	for _, name := range []string{"inference.py", "_repack_model.py", "_repack_script_launcher.sh"} {
		if files[name] == "" {
			t.Errorf("sourcedir.tar.gz lacks %s: %v", name, files)
		}
	}
}
