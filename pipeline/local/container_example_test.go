package local_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sagepipe/sagepipe/pipeline/local"
)

// A program started as a processing job's entrypoint runs its bound
// function on the job's files. Here a temporary directory stands for
// /opt/ml, laid out as SageMaker lays it out; a program calls local.Main
// instead, which reads os.Args and exits.
func ExampleEngine_RunEntrypoint() {
	root, _ := os.MkdirTemp("", "opt-ml-")
	defer os.RemoveAll(root)
	_ = os.MkdirAll(filepath.Join(root, "config"), 0o755)
	_ = os.WriteFile(filepath.Join(root, "config", "processingjobconfig.json"), []byte(`{
		"ProcessingJobName": "pipelines-abc-Upper-1",
		"AppSpecification": {"ImageUri": "my-image", "ContainerEntrypoint": ["/container", "step", "Upper"]},
		"ProcessingInputs": [{"InputName": "in", "S3Input": {"S3Uri": "s3://b/in", "LocalPath": "/opt/ml/processing/in"}}],
		"ProcessingOutputConfig": {"Outputs": [{"OutputName": "out", "S3Output": {"S3Uri": "s3://b/out", "LocalPath": "/opt/ml/processing/out"}}]}
	}`), 0o644)
	_ = os.MkdirAll(filepath.Join(root, "processing", "in"), 0o755)
	_ = os.WriteFile(filepath.Join(root, "processing", "in", "words.txt"), []byte("hello"), 0o644)

	e := local.New(local.Config{})
	e.Processing("Upper", func(ctx context.Context, job *local.ProcessingJob) error {
		b, err := os.ReadFile(filepath.Join(job.Inputs["in"].Dir, "words.txt"))
		if err != nil {
			return err
		}
		fmt.Println(job.Name, job.CurrentHost, job.Arguments)
		return os.WriteFile(filepath.Join(job.Outputs["out"].Dir, "words.txt"), []byte(strings.ToUpper(string(b))), 0o644)
	})
	ran, err := e.RunEntrypoint(context.Background(), local.Entrypoint{Root: root, Args: []string{"step", "Upper", "--fast"}})
	out, _ := os.ReadFile(filepath.Join(root, "processing", "out", "words.txt"))
	fmt.Println(ran, local.ExitCode(err), string(out))
	// Output:
	// pipelines-abc-Upper-1 algo-1 [--fast]
	// true 0 HELLO
}
