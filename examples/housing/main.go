// Command housing builds the seed workflow of sagepipe: a SageMaker
// pipeline that ingests a housing-price CSV into a feature store, splits
// and scales it, tunes an XGBoost regressor, evaluates the best model and
// registers it when its RMSE is under a threshold.
//
// With -definition it prints the pipeline definition JSON exactly as the
// SageMaker Python SDK 2.257.6 would; the defaults of the flags are the
// placeholders of the published definition (account 111122223333,
// us-east-1, a clock frozen at 2023-11-28T00:00:00.123Z). Without it, it
// runs the whole workflow on this machine with the local engine, on the
// seed's 10,000 rows bundled under data/: the live progress of the steps,
// the tuning trials, and a summary with the test RMSE, the registered
// model package and the path of the HTML report. It exits 0 when the
// execution succeeded, 1 when it failed and 2 on a bad command line.
//
// With -dag it prints the parameters and the DAG.
//
// With -aws it runs the pipeline on SageMaker: the steps run the seed's
// Python scripts, or, with -image URI, this program's own Go functions in
// the image URI names (built with examples/container/Dockerfile, pushed to
// Amazon ECR). SageMaker then starts this same program in each job's
// container as "step <StepName>" (or "train" for the tuning step's
// training jobs), and main hands it to local.Main, which runs the step's
// function and exits, before anything else happens. There the
// feature-store steps use SageMaker Feature Store, as the seed's scripts
// do, where a local run keeps the engine's store.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	// In a SageMaker job's container the program runs the job's step and
	// exits here; otherwise Main returns at once.
	local.Main(ctx, containerEngine())
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "housing:", err)
	}
	os.Exit(exitCode(err))
}

// usageError is a bad command line: exit status 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// exitCode maps run's error to the exit status: 0 for none, 2 for a bad
// command line, 1 for anything else (an execution that failed).
func exitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	default:
		return 1
	}
}

// paramFlags collects repeated -param Name=value flags.
type paramFlags []string

func (p *paramFlags) String() string     { return strings.Join(*p, " ") }
func (p *paramFlags) Set(v string) error { *p = append(*p, v); return nil }

// run parses args, builds the pipeline and does what the flags ask: print
// the definition or the DAG, or run the pipeline locally (or on AWS).
func run(ctx context.Context, args []string, w io.Writer) error {
	return runWith(ctx, args, w, nil)
}

// runWith is run with the local engine's execution ids taken from newID
// (nil means random ones). The tuning step seeds its trials from its job
// name, which holds the execution id, so fixed ids make a run
// reproducible.
func runWith(ctx context.Context, args []string, w io.Writer, newID func() string) error {
	def := DefaultConfig()
	fs := flag.NewFlagSet("housing", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	definition := fs.Bool("definition", false, "print the pipeline definition JSON and exit")
	dag := fs.Bool("dag", false, "print the parameters and the DAG (Mermaid) and exit")
	var overrides paramFlags
	fs.Var(&overrides, "param", "`Name=value` parameter override, typed as the parameter is declared (repeatable)")
	workdir := fs.String("workdir", local.DefaultRoot, "directory of the local engine's artifact store, records and cache")
	aws := fs.Bool("aws", false, "run on SageMaker instead of locally: upload the raw data, upsert, start and watch (AWS credentials from the environment)")
	serve := fs.String("serve", "", "after a successful run, serve the registered model at `ADDR` (host:port) until interrupted")
	account := fs.String("account", def.Account, "AWS account id")
	region := fs.String("region", def.Region, "AWS region")
	bucket := fs.String("bucket", "", "default bucket (default sagemaker-<region>-<account>)")
	role := fs.String("role", "", "execution role ARN (default the placeholder role of the account)")
	clock := fs.String("clock", def.Clock.Format(time.RFC3339Nano), `clock for timestamped names (RFC 3339), or "now"`)
	unique := fs.String("unique", def.UniqueSuffix, `4 hex digits of the model package group name, or "random"`)
	ingest := fs.String("ingest-code", "", "staged s3:// URI of the feature-store ingestion script")
	preprocess := fs.String("preprocess-code", "", "staged s3:// URI of the preprocessing script")
	evaluate := fs.String("evaluate-code", "", "staged s3:// URI of the evaluation script")
	image := fs.String("image", "", "run every step's Go function in the image `URI` (built from this program) instead of the seed's scripts")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(w)
			fs.PrintDefaults()
			return nil
		}
		return &usageError{err}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	cfg := Config{
		Account: *account, Region: *region, Bucket: *bucket, Role: *role,
		UniqueSuffix: *unique,
		IngestCode:   *ingest, PreprocessCode: *preprocess, EvaluateCode: *evaluate,
		Image: *image,
	}
	if cfg.UniqueSuffix == "random" {
		cfg.UniqueSuffix = ""
	}
	if *clock != "now" {
		t, err := time.Parse(time.RFC3339Nano, *clock)
		if err != nil {
			return &usageError{fmt.Errorf("-clock: %w", err)}
		}
		cfg.Clock = t
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	seed, err := Build(cfg)
	if err != nil {
		return &usageError{err}
	}
	switch {
	case *definition:
		b, err := seed.Pipeline.Definition()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case *dag:
		return summary(w, seed)
	}
	params, err := parseParams(seed.Pipeline, overrides)
	if err != nil {
		return &usageError{err}
	}
	if *aws {
		return runAWS(ctx, w, seed, cfg.Account, params)
	}
	out, err := runLocal(ctx, seed, localRun{
		Workdir: *workdir, Params: params, Account: cfg.Account, Region: cfg.Region,
		Progress: w, NewID: newID,
	})
	if err != nil {
		if errors.Is(err, local.ErrParameter) {
			return &usageError{err}
		}
		return err
	}
	if err := printOutcome(w, out); err != nil {
		return err
	}
	if out.Err != nil {
		return failure(out)
	}
	if *serve != "" {
		return serveModel(ctx, w, *workdir, *serve, out.Package)
	}
	return nil
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
	b.WriteString("Print the SageMaker definition with -definition; run the pipeline on this machine without flags.\n")
	_, err = io.WriteString(w, b.String())
	return err
}
