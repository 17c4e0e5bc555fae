// Command container is a pipeline whose step is a Go function that runs
// the same way on this machine and in a SageMaker processing container:
// the program is its own container entrypoint (see local.Main).
//
// Run locally:
//
//	go run ./examples/container -data ./rows
//
// In the container SageMaker starts it as "container step Scale --factor 2"
// and local.Main runs the Scale function on the job's files. The
// Dockerfile beside this file builds the image; README.md says how to push
// it to Amazon ECR.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

func main() {
	ctx := context.Background()
	engine := bind(local.New(local.Config{}))
	local.Main(ctx, engine) // exits when started as a job's entrypoint
	if err := run(ctx, engine, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "container:", err)
		os.Exit(1)
	}
}

// bind binds the pipeline's step functions.
func bind(e *local.Engine) *local.Engine {
	e.Processing("Scale", scale)
	return e
}

// run stages the rows in -data and runs the pipeline on this machine.
func run(ctx context.Context, e *local.Engine, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("container", flag.ContinueOnError)
	data := fs.String("data", "rows", "directory of text files with one number per line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := e.Stage(*data, "s3://bucket/rows"); err != nil {
		return err
	}
	ex, err := e.Run(ctx, build(), local.RunOptions{})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s %s: output in %s\n", ex.ID, ex.Status, filepath.Join(e.Root(), "s3", "bucket", "scaled"))
	return err
}

// build returns the pipeline: one processing step, run with the
// program's own image.
func build() *pipeline.Pipeline {
	step := steps.Processing("Scale", steps.Processor{
		ImageURI: params.Lit("123456789012.dkr.ecr.us-east-1.amazonaws.com/sagepipe-container:latest"),
		// The container runs this program: "/container step Scale --factor 2".
		Entrypoint:    steps.StepEntrypoint("/container", "Scale"),
		InstanceType:  params.Lit("ml.m5.large"),
		InstanceCount: params.Lit(1),
	}, steps.ProcessingJob{
		Inputs: []steps.ProcessingInput{{Name: params.Lit("rows"), Source: params.Lit("s3://bucket/rows"),
			Destination: params.Lit("/opt/ml/processing/rows")}},
		Outputs: []steps.ProcessingOutput{{Name: "scaled", Source: params.Lit("/opt/ml/processing/scaled"),
			Destination: params.Lit("s3://bucket/scaled")}},
		Arguments: []params.Exprer{params.Lit("--factor"), params.Lit("2")},
	})
	return pipeline.New("container-example").Steps(step).Env(steps.Env{Bucket: "bucket", Region: "us-east-1", Role: "role"})
}

// scale multiplies every number of the rows input by --factor, one output
// file per instance.
func scale(ctx context.Context, job *local.ProcessingJob) error {
	fs := flag.NewFlagSet(job.Step, flag.ContinueOnError)
	factor := fs.Float64("factor", 1, "multiplier")
	if err := fs.Parse(job.Arguments); err != nil {
		return err
	}
	out, err := os.Create(filepath.Join(job.Outputs["scaled"].Dir, "part-"+job.CurrentHost+".txt"))
	if err != nil {
		return err
	}
	defer out.Close()
	files, err := filepath.Glob(filepath.Join(job.Inputs["rows"].Dir, "*"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := scaleFile(f, *factor, out); err != nil {
			return err
		}
	}
	return out.Close()
}

func scaleFile(name string, factor float64, w io.Writer) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		v, err := strconv.ParseFloat(line, 64)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", filepath.Base(name), n, err)
		}
		if _, err := fmt.Fprintln(w, v*factor); err != nil {
			return err
		}
	}
	return sc.Err()
}
