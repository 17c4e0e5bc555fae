// Command housing builds the seed workflow of sagepipe: a SageMaker
// pipeline that ingests a housing-price CSV into a feature store, splits
// and scales it, tunes an XGBoost regressor, evaluates the best model and
// registers it when its RMSE is under a threshold.
//
// With -definition it prints the pipeline definition JSON exactly as the
// SageMaker Python SDK 2.257.6 would; the defaults of the flags are the
// placeholders of the published definition (account 111122223333,
// us-east-1, a clock frozen at 2023-11-28T00:00:00.123Z). Without it, it
// prints the steps and the DAG.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/steps"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "housing:", err)
		os.Exit(1)
	}
}

// run parses args, builds the pipeline and writes the requested output.
func run(ctx context.Context, args []string, w io.Writer) error {
	def := DefaultConfig()
	fs := flag.NewFlagSet("housing", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	definition := fs.Bool("definition", false, "print the pipeline definition JSON")
	account := fs.String("account", def.Account, "AWS account id")
	region := fs.String("region", def.Region, "AWS region")
	bucket := fs.String("bucket", "", "default bucket (default sagemaker-<region>-<account>)")
	role := fs.String("role", "", "execution role ARN (default the placeholder role of the account)")
	clock := fs.String("clock", def.Clock.Format(time.RFC3339Nano), `clock for timestamped names (RFC 3339), or "now"`)
	unique := fs.String("unique", def.UniqueSuffix, `4 hex digits of the model package group name, or "random"`)
	ingest := fs.String("ingest-code", "", "staged s3:// URI of the feature-store ingestion script")
	preprocess := fs.String("preprocess-code", "", "staged s3:// URI of the preprocessing script")
	evaluate := fs.String("evaluate-code", "", "staged s3:// URI of the evaluation script")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(w)
			fs.PrintDefaults()
			return nil
		}
		return err
	}
	cfg := Config{
		Account: *account, Region: *region, Bucket: *bucket, Role: *role,
		UniqueSuffix: *unique,
		IngestCode:   *ingest, PreprocessCode: *preprocess, EvaluateCode: *evaluate,
	}
	if cfg.UniqueSuffix == "random" {
		cfg.UniqueSuffix = ""
	}
	if *clock != "now" {
		t, err := time.Parse(time.RFC3339Nano, *clock)
		if err != nil {
			return fmt.Errorf("-clock: %w", err)
		}
		cfg.Clock = t
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	seed, err := Build(cfg)
	if err != nil {
		return err
	}
	if *definition {
		b, err := seed.Pipeline.Definition()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	return summary(w, seed)
}

// validate runs the pipeline's checks. Local code that does not exist
// (the seed's training source dir and inference script, which this
// example does not ship) is returned apart; any other problem is the
// error.
func validate(s *Seed) (missing []error, err error) {
	err = s.Pipeline.Validate()
	if err == nil {
		return nil, nil
	}
	all := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		all = j.Unwrap()
	}
	var rest []error
	for _, e := range all {
		if errors.Is(e, steps.ErrCode) {
			missing = append(missing, e)
		} else {
			rest = append(rest, e)
		}
	}
	return missing, errors.Join(rest...)
}

// summary writes the steps and the DAG of the pipeline.
func summary(w io.Writer, s *Seed) error {
	missing, err := validate(s)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "pipeline %s\n\n", s.Pipeline.Name())
	if len(missing) > 0 {
		b.WriteString("local code not found here (the seed's pipeline_scripts are not part of this example):\n")
		for _, e := range missing {
			fmt.Fprintf(&b, "  %v\n", e)
		}
		b.WriteString("\n")
	}
	b.WriteString("parameters:\n")
	for _, p := range s.Pipeline.Params() {
		d, _ := p.Default()
		if f, ok := d.(float64); ok {
			d = strconv.FormatFloat(f, 'f', -1, 64)
			if !strings.Contains(d.(string), ".") {
				d = d.(string) + ".0"
			}
		}
		fmt.Fprintf(&b, "  %-24s %-8s default %v\n", p.Name(), p.Type(), d)
	}
	fmt.Fprintf(&b, "\nDAG (Mermaid):\n%s\n", s.Pipeline.Mermaid())
	b.WriteString("Print the SageMaker definition with -definition.\n")
	b.WriteString("Running the pipeline on this machine comes with the local engine; it is not available yet.\n")
	_, err = io.WriteString(w, b.String())
	return err
}
