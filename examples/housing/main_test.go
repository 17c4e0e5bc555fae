package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// golden is SDK 2.257.6's definition of the seed pipeline (shared reference
// sm-json/seed-pipeline.sdk-2.257.6.json).
const golden = "testdata/seed-pipeline.sdk-2.257.6.json"

func TestBuildMatchesSDK(t *testing.T) {
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := Build(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	got, err := seed.Pipeline.Definition()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("definition differs from SDK 2.257.6 (-sdk +ours):\n%s", cmp.Diff(string(want), string(got)))
	}
	missing, err := validate(seed)
	if err != nil {
		t.Errorf("Validate: %v", err)
	}
	if len(missing) != 2 {
		t.Errorf("Validate reports %d missing local code paths, want the training source dir and the inference script: %v", len(missing), missing)
	}
}

func TestRunDefinitionFlag(t *testing.T) {
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-definition"}, &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("-definition output differs from SDK 2.257.6 (-sdk +ours):\n%s", cmp.Diff(string(want), out.String()))
	}
}

func TestRunFlags(t *testing.T) {
	var out bytes.Buffer
	args := []string{"-definition", "-account", "444455556666", "-region", "eu-west-1",
		"-clock", "2024-05-01T12:00:00Z", "-unique", "0042"}
	if err := run(context.Background(), args, &out); err != nil {
		t.Fatal(err)
	}
	def := out.String()
	for _, want := range []string{
		`"s3://sagemaker-eu-west-1-444455556666/aws-sm-ray-pipeline-workshop/data/raw/house_pricing.csv"`,
		`"arn:aws:iam::444455556666:role/service-role/AmazonSageMaker-ExecutionRole-EXAMPLE"`,
		`141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1`,
		`XGBoost-model-2024-05-01-12-00-00-0`,
		`evaluation-2024-05-01-12-00-00-0/output/evaluation`,
		`"synthetic-housing-models-ray--1714564800-0042"`,
	} {
		if !strings.Contains(def, want) {
			t.Errorf("definition lacks %s", want)
		}
	}
	if strings.Contains(def, "111122223333") || strings.Contains(def, "us-east-1") {
		t.Errorf("definition still names the default account or region:\n%s", def)
	}
}

func TestRunStagedCode(t *testing.T) {
	var out bytes.Buffer
	args := []string{"-definition", "-ingest-code", "s3://b/ingest.py", "-preprocess-code", "s3://b/pre.py",
		"-evaluate-code", "s3://b/eval.py"}
	if err := run(context.Background(), args, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"S3Uri": "s3://b/ingest.py"`, `"S3Uri": "s3://b/pre.py"`, `"S3Uri": "s3://b/eval.py"`,
		`"/opt/ml/processing/input/code/ingest.py"`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("definition lacks %s", want)
		}
	}
}

func TestRunWallClockIsFresh(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-definition", "-clock", "now", "-unique", "random"}, &out); err != nil {
		t.Fatal(err)
	}
	year := time.Now().UTC().Format("2006")
	if !strings.Contains(out.String(), "XGBoost-model-"+year) {
		t.Errorf("wall-clock definition has no timestamp of this year")
	}
}

func TestRunSummary(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-dag"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pipeline synthetic-housing-training-sm-pipeline-ray", "RMSEThreshold            Float    default 15000.0",
		"CheckEvaluation", "flowchart", "run the pipeline on this machine"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad clock", []string{"-clock", "yesterday"}, "-clock"},
		{"bad suffix", []string{"-unique", "xyz"}, "unique suffix"},
		{"unknown region", []string{"-region", "mars-north-1"}, "mars-north-1"},
		{"unknown flag", []string{"-nope"}, "nope"},
		{"stray argument", []string{"run"}, `unexpected argument "run"`},
		{"unknown parameter", []string{"-param", "Threshold=1"}, "Threshold: no such parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
			if c := exitCode(err); c != 2 {
				t.Errorf("exit status %d, want 2", c)
			}
		})
	}
}

var errWrite = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

// TestRunWriteError checks that a failed write of the output is reported.
func TestRunWriteError(t *testing.T) {
	for _, args := range [][]string{{"-dag"}, {"-definition"}} {
		if err := run(context.Background(), args, failWriter{}); !errors.Is(err, errWrite) {
			t.Errorf("run(%q) on a failing writer = %v, want %v", args, err, errWrite)
		}
	}
}

// TestAWSRefusals checks that -aws refuses, before any call to AWS, the
// placeholder account and a directory without the seed's local scripts,
// saying where the scripts must go.
func TestAWSRefusals(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"placeholder account", []string{"-aws"},
			[]string{"placeholder", "s3://sagemaker-us-east-1-111122223333/synthetic-housing-training-sm-pipeline-ray/code/"}},
		{"no local scripts", []string{"-aws", "-account", "444455556666", "-region", "eu-west-1"},
			[]string{"pipeline_scripts/train", "evaluate/script.py          to s3://sagemaker-eu-west-1-444455556666/evaluation-"}},
		{"image, placeholder account", []string{"-aws", "-image", testImage},
			[]string{"placeholder", "this program in " + testImage, "examples/container/Dockerfile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, &bytes.Buffer{})
			if c := exitCode(err); c != 2 {
				t.Fatalf("exit %d (%v), want 2", c, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
