package local_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
	"github.com/sagepipe/sagepipe/steps"
)

var env = steps.Env{Bucket: "bucket", Region: "us-east-1", Role: "role"}

func TestParameterOverrideErrors(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	bindFull(e, 1)
	_, err := e.Run(ctxT(t), fullPipeline(), local.RunOptions{Parameters: map[string]any{
		"Count": "3", "Mode": "c", "Flag": 1, "Threshold": "high", "Nope": 1,
	}})
	if !errors.Is(err, local.ErrParameter) {
		t.Fatalf("err = %v", err)
	}
	var names []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var pe *pipeline.ParameterError
		if !errors.As(e, &pe) {
			t.Fatalf("%v is not a ParameterError", e)
		}
		names = append(names, pe.Parameter)
	}
	if diff := cmp.Diff([]string{"Threshold", "Mode", "Count", "Flag", "Nope"}, names); diff != "" {
		t.Errorf("parameters named (-want +got):\n%s", diff)
	}
	for _, want := range []string{`"Count"`, `Integer parameter: got string 3`, `"c" is not one of the enum values`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if ex, _ := local.Executions(e.Root()); len(ex) != 0 {
		t.Errorf("an execution was recorded: %+v", ex)
	}
	// No default and no value.
	p := pipeline.New("p").Parameters(params.String("Need")).Steps(steps.Fail("F", params.String("Need")))
	if _, err := e.Run(ctxT(t), p, local.RunOptions{}); !errors.Is(err, local.ErrParameter) || !strings.Contains(err.Error(), `"Need"`) {
		t.Errorf("missing value: %v", err)
	}
}

func TestMissingBindingsListedBeforeStart(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	started := false
	e.Processing("Prep", func(ctx context.Context, job *local.ProcessingJob) error { started = true; return nil })
	train := steps.Training("Train", steps.Estimator{ImageURI: params.Lit("img"), InstanceType: params.Lit("ml.m5.xlarge"), InstanceCount: params.Lit(1), OutputPath: params.Lit("s3://bucket/out")})
	p := fullPipeline().Steps(train)
	_, err := e.Run(ctxT(t), p, local.RunOptions{})
	if !errors.Is(err, local.ErrUnbound) {
		t.Fatalf("err = %v", err)
	}
	var steps []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var se *pipeline.StepError
		if errors.As(e, &se) {
			steps = append(steps, se.Step)
		}
	}
	if diff := cmp.Diff([]string{"Lam", "Cb", "Publish", "Train"}, steps); diff != "" {
		t.Errorf("unbound steps (-want +got):\n%s\n%v", diff, err)
	}
	if !strings.Contains(err.Error(), "publish.py") || !strings.Contains(err.Error(), "no Training function bound") {
		t.Errorf("error does not name the code or the type: %v", err)
	}
	if started {
		t.Error("a step ran")
	}
}

// chain returns a pipeline of processing steps A -> B where B reads A's
// output, both cached.
func chain(cache steps.CacheConfig, retry ...steps.RetryPolicy) *pipeline.Pipeline {
	a := processing("A", "s3://bucket/code/a.py",
		[]steps.ProcessingInput{{Name: params.Lit("in"), Source: params.Lit("s3://bucket/in"), Destination: params.Lit("/opt/ml/processing/in")}},
		[]steps.ProcessingOutput{{Name: "out", Source: params.Lit("/opt/ml/processing/out")}}).Cache(cache).Retry(retry...)
	b := processing("B", "s3://bucket/code/b.py",
		[]steps.ProcessingInput{{Name: params.Lit("in"), Source: a.Properties().Output("out").S3URI(), Destination: params.Lit("/opt/ml/processing/in")}},
		[]steps.ProcessingOutput{{Name: "out", Source: params.Lit("/opt/ml/processing/out")}}).Cache(cache)
	return pipeline.New("chain").Steps(a, b).Env(env)
}

// copyStep copies its input "in" to output "out", adding a line.
func copyStep(calls *int, mu *sync.Mutex) local.ProcessingFunc {
	return func(ctx context.Context, job *local.ProcessingJob) error {
		mu.Lock()
		*calls++
		mu.Unlock()
		data, err := os.ReadFile(filepath.Join(job.Inputs["in"].Dir, "data.txt"))
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(job.Outputs["out"].Dir, "data.txt"), append(data, job.Step...), 0o644)
	}
}

func TestCacheHitMissExpiry(t *testing.T) {
	e, clock := testEngine(t, local.Config{})
	src := filepath.Join(t.TempDir(), "data.txt")
	writeFile(t, src, "v1:")
	if err := e.Stage(src, "s3://bucket/in/data.txt"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := 0
	e.Processing("a.py", copyStep(&calls, &mu))
	e.Processing("b.py", copyStep(&calls, &mu))
	p := chain(steps.CacheConfig{Enabled: true, ExpireAfter: "PT1H"})
	run := func() *pipeline.Execution {
		t.Helper()
		ex, err := e.Run(ctxT(t), p, local.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return ex
	}
	first := run()
	if calls != 2 || first.Step("A").CachedFrom != "" {
		t.Fatalf("first run: %d calls, A cached from %q", calls, first.Step("A").CachedFrom)
	}
	clock.Advance(30 * time.Minute)
	second := run()
	if calls != 2 {
		t.Errorf("second run called %d functions, want none", calls-2)
	}
	for _, n := range []string{"A", "B"} {
		r := second.Step(n)
		if r.CachedFrom != first.ID || r.Attempts != 0 || r.Status != pipeline.StepSucceeded {
			t.Errorf("second run %s: %+v", n, r)
		}
		if diff := cmp.Diff(first.Step(n).Outputs, r.Outputs); diff != "" {
			t.Errorf("%s outputs (-first +second):\n%s", n, diff)
		}
	}
	// New input content: a miss for A, and B's input is A's new output.
	writeFile(t, src, "v2:")
	if err := e.Stage(src, "s3://bucket/in/data.txt"); err != nil {
		t.Fatal(err)
	}
	third := run()
	if calls != 4 || third.Step("A").CachedFrom != "" || third.Step("B").CachedFrom != "" {
		t.Errorf("third run: %d calls, A %q B %q", calls, third.Step("A").CachedFrom, third.Step("B").CachedFrom)
	}
	if got := readStore(t, e.Root(), third.Step("B").Outputs["out"]+"/data.txt"); got != "v2:AB" {
		t.Errorf("B wrote %q", got)
	}
	// Past ExpireAfter: a miss.
	clock.Advance(61 * time.Minute)
	fourth := run()
	if calls != 6 || fourth.Step("A").CachedFrom != "" {
		t.Errorf("after expiry: %d calls, A cached from %q", calls, fourth.Step("A").CachedFrom)
	}
	// Within the hour again: a hit on the fourth run.
	clock.Advance(59 * time.Minute)
	if fifth := run(); fifth.Step("A").CachedFrom != fourth.ID || calls != 6 {
		t.Errorf("fifth run: A cached from %q, %d calls", fifth.Step("A").CachedFrom, calls)
	}
}

func TestExpireAfterParsing(t *testing.T) {
	good := map[string]time.Duration{
		"PT12H": 12 * time.Hour, "P30D": 30 * 24 * time.Hour, "30d": 30 * 24 * time.Hour, "5y": 5 * 365 * 24 * time.Hour,
		"T16m": 16 * time.Minute, "30dT5h": 30*24*time.Hour + 5*time.Hour, "PT1H": time.Hour, "p30d": 30 * 24 * time.Hour,
		"P4DT12H": 4*24*time.Hour + 12*time.Hour, "T12H": 12 * time.Hour, "P1W": 7 * 24 * time.Hour, "P1M": 30 * 24 * time.Hour,
		"PT30S": 30 * time.Second,
	}
	for s, want := range good {
		if got, err := local.ParseExpireAfter(s); err != nil || got != want {
			t.Errorf("ParseExpireAfter(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "P", "PT", "12", "H12", "P1H", "PT1D", "P1D1Y", "PT1HT2M", "1.2.3d"} {
		if _, err := local.ParseExpireAfter(s); !errors.Is(err, local.ErrExpireAfter) {
			t.Errorf("ParseExpireAfter(%q): err = %v", s, err)
		}
	}
	e, _ := testEngine(t, local.Config{})
	e.Processing("a.py", func(context.Context, *local.ProcessingJob) error { return nil })
	e.Processing("b.py", func(context.Context, *local.ProcessingJob) error { return nil })
	_, err := e.Run(ctxT(t), chain(steps.CacheConfig{Enabled: true, ExpireAfter: "12 hours"}), local.RunOptions{})
	if !errors.Is(err, local.ErrExpireAfter) || !strings.Contains(err.Error(), `step "A"`) {
		t.Errorf("bad ExpireAfter: %v", err)
	}
}

func TestRetryPolicies(t *testing.T) {
	capacity := steps.RetryPolicy{ExceptionTypes: []string{steps.JobCapacityError}, IntervalSeconds: 10, BackoffRate: 3, MaxAttempts: 2}
	cases := []struct {
		name     string
		policies []steps.RetryPolicy
		errs     map[int]error
		status   pipeline.StepStatus
		attempts int
		slept    time.Duration
		reason   string
	}{
		{"retry then success", []steps.RetryPolicy{capacity}, map[int]error{1: local.ErrCapacity, 2: local.ErrCapacity},
			pipeline.StepSucceeded, 3, 40 * time.Second, ""},
		{"exhausted", []steps.RetryPolicy{capacity}, map[int]error{1: local.ErrCapacity, 2: local.ErrCapacity, 3: local.ErrCapacity},
			pipeline.StepFailed, 3, 40 * time.Second, "2 retry attempts exhausted"},
		{"other class fails at once", []steps.RetryPolicy{capacity}, map[int]error{1: fmt.Errorf("quota: %w", local.ErrResourceLimit)},
			pipeline.StepFailed, 1, 0, "SageMaker.RESOURCE_LIMIT"},
		{"plain error fails at once", []steps.RetryPolicy{capacity}, map[int]error{1: errors.New("boom")},
			pipeline.StepFailed, 1, 0, "boom"},
		{"expire after", []steps.RetryPolicy{{ExceptionTypes: []string{steps.JobInternalError}, IntervalSeconds: 60, BackoffRate: 2, ExpireAfterMin: 4}},
			map[int]error{1: local.ErrJobInternal, 2: local.ErrJobInternal, 3: local.ErrJobInternal, 4: local.ErrJobInternal},
			pipeline.StepFailed, 3, 3 * time.Minute, "expired after 4 minutes"},
		{"service faults are retried by default", nil, map[int]error{1: local.ErrServiceFault, 2: local.ErrServiceFault},
			pipeline.StepSucceeded, 3, 3 * time.Second, ""},
		{"default retries end after 5", nil, map[int]error{1: local.ErrThrottling, 2: local.ErrThrottling, 3: local.ErrThrottling,
			4: local.ErrThrottling, 5: local.ErrThrottling, 6: local.ErrThrottling}, pipeline.StepFailed, 6, 31 * time.Second, "5 retry attempts exhausted"},
		{"second policy matches", []steps.RetryPolicy{capacity, {ExceptionTypes: []string{steps.StepThrottling}, MaxAttempts: 1}},
			map[int]error{1: local.ErrThrottling}, pipeline.StepSucceeded, 2, time.Second, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var retried []int
			e, clock := testEngine(t, local.Config{OnEvent: func(ev pipeline.Event) {
				if ev.Kind == pipeline.EventRetried {
					retried = append(retried, ev.Attempt)
				}
			}})
			if err := local.Stage(e.Root(), writeTemp(t, "x"), "s3://bucket/in/data.txt"); err != nil {
				t.Fatal(err)
			}
			e.Canned("A", local.Canned{Errors: c.errs, Outputs: map[string]local.Files{"out": {"data.txt": []byte("a")}}})
			e.Canned("B", local.Canned{})
			ex, _ := e.Run(ctxT(t), chain(steps.CacheConfig{}, c.policies...), local.RunOptions{})
			a := ex.Step("A")
			if a.Status != c.status || a.Attempts != c.attempts {
				t.Fatalf("A: %s after %d attempts (%s)", a.Status, a.Attempts, a.FailureReason)
			}
			if got := clock.Now().Sub(t0); got != c.slept {
				t.Errorf("slept %v, want %v", got, c.slept)
			}
			if !strings.Contains(a.FailureReason, c.reason) {
				t.Errorf("reason %q does not say %q", a.FailureReason, c.reason)
			}
			if len(retried) != c.attempts-1 {
				t.Errorf("retried events %v", retried)
			}
			if c.status == pipeline.StepFailed {
				if b := ex.Step("B"); b.Status != pipeline.StepNotRun || !strings.Contains(b.FailureReason, `"A"`) {
					t.Errorf("B: %+v", b)
				}
			}
		})
	}
}

func writeTemp(t testing.TB, content string) string {
	p := filepath.Join(t.TempDir(), "data.txt")
	writeFile(t, p, content)
	return p
}

func TestPanickingStepFunction(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	if err := e.Stage(writeTemp(t, "x"), "s3://bucket/in/data.txt"); err != nil {
		t.Fatal(err)
	}
	e.Processing("a.py", func(ctx context.Context, job *local.ProcessingJob) error {
		var m map[string]int
		m["boom"]++ // panics
		return nil
	})
	e.Canned("B", local.Canned{})
	ex, err := e.Run(ctxT(t), chain(steps.CacheConfig{}, steps.RetryPolicy{ExceptionTypes: []string{steps.JobInternalError}, MaxAttempts: 3}), local.RunOptions{})
	if !errors.Is(err, local.ErrFailed) {
		t.Fatalf("err = %v", err)
	}
	a := ex.Step("A")
	if a.Status != pipeline.StepFailed || a.Attempts != 1 {
		t.Fatalf("A: %s, %d attempts", a.Status, a.Attempts)
	}
	for _, want := range []string{"panicked", "assignment to entry in nil map", "goroutine", "TestPanickingStepFunction"} {
		if !strings.Contains(a.FailureReason, want) {
			t.Errorf("reason does not hold %q:\n%s", want, a.FailureReason)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(e.Root(), "tmp")); len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestCancellationMidStep(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	if err := e.Stage(writeTemp(t, "x"), "s3://bucket/in/data.txt"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctxT(t))
	e.Processing("a.py", func(ctx context.Context, job *local.ProcessingJob) error {
		return os.WriteFile(filepath.Join(job.Outputs["out"].Dir, "data.txt"), []byte("done"), 0o644)
	})
	inB := make(chan struct{})
	e.Processing("b.py", func(ctx context.Context, job *local.ProcessingJob) error {
		if err := os.WriteFile(filepath.Join(job.Outputs["out"].Dir, "half.txt"), []byte("half"), 0o644); err != nil {
			return err
		}
		close(inB)
		<-ctx.Done()
		return ctx.Err()
	})
	go func() { <-inB; cancel() }()
	ex, err := e.Run(ctx, chain(steps.CacheConfig{}), local.RunOptions{})
	if !errors.Is(err, local.ErrStopped) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if ex.Status != pipeline.ExecutionStopped {
		t.Fatalf("status %s", ex.Status)
	}
	want := map[string]pipeline.StepStatus{"A": pipeline.StepSucceeded, "B": pipeline.StepStopped}
	if diff := cmp.Diff(want, statuses(ex)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if got := readStore(t, e.Root(), ex.Step("A").Outputs["out"]+"/data.txt"); got != "done" {
		t.Errorf("A's output %q", got)
	}
	bOut := filepath.Join(e.Root(), "s3", "bucket", "chain", ex.ID, "B")
	if _, err := os.Stat(bOut); !os.IsNotExist(err) {
		t.Errorf("B left output: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(e.Root(), "tmp")); len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
	loaded, err := local.Load(e.Root(), ex.ID)
	if err != nil || loaded.Status != pipeline.ExecutionStopped {
		t.Errorf("loaded %v, %v", loaded, err)
	}

	// Retry finishes the execution, keeping A.
	aCalls := 0
	e.Processing("a.py", func(ctx context.Context, job *local.ProcessingJob) error { aCalls++; return nil })
	e.Processing("b.py", copyStep(new(int), new(sync.Mutex)))
	re, err := e.Retry(ctxT(t), ex.ID, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if re.ID != ex.ID || aCalls != 0 || re.Status != pipeline.ExecutionSucceeded {
		t.Fatalf("retry: id %s, A called %d times, %s", re.ID, aCalls, re.Status)
	}
	if diff := cmp.Diff(ex.Step("A"), re.Step("A")); diff != "" {
		t.Errorf("A's record changed (-before +after):\n%s", diff)
	}
	if got := readStore(t, e.Root(), re.Step("B").Outputs["out"]+"/data.txt"); got != "doneB" {
		t.Errorf("B wrote %q", got)
	}
}

func TestRetryAfterFailure(t *testing.T) {
	e, _ := testEngine(t, local.Config{})
	if err := e.Stage(writeTemp(t, "in:"), "s3://bucket/in/data.txt"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := 0
	e.Processing("a.py", copyStep(&calls, &mu))
	e.Processing("b.py", func(context.Context, *local.ProcessingJob) error { return errors.New("disk full") })
	ex, err := e.Run(ctxT(t), chain(steps.CacheConfig{}), local.RunOptions{})
	if !errors.Is(err, local.ErrFailed) || ex.FailureReason != `step "B" failed: disk full` {
		t.Fatalf("err = %v, reason %q", err, ex.FailureReason)
	}
	if _, err := e.Retry(ctxT(t), "nope", local.RunOptions{}); !errors.Is(err, local.ErrNotFound) {
		t.Errorf("Retry of an unknown execution: %v", err)
	}
	e.Processing("b.py", copyStep(&calls, &mu))
	re, err := e.Retry(ctxT(t), ex.ID, local.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 || re.Step("B").Attempts != 1 || re.Step("B").FailureReason != "" {
		t.Errorf("calls %d, B %+v", calls, re.Step("B"))
	}
	if got := readStore(t, e.Root(), re.Step("B").Outputs["out"]+"/data.txt"); got != "in:AB" {
		t.Errorf("B wrote %q", got)
	}
	if _, err := e.Retry(ctxT(t), ex.ID, local.RunOptions{}); !errors.Is(err, local.ErrNotRetryable) {
		t.Errorf("Retry of a succeeded execution: %v", err)
	}
	all, err := local.Executions(e.Root())
	if err != nil || len(all) != 1 || all[0].Status != pipeline.ExecutionSucceeded {
		t.Errorf("Executions: %v, %v", all, err)
	}
}

func TestStopLeavesStepsThatIgnoreTheirContext(t *testing.T) {
	e, _ := testEngine(t, local.Config{StopGrace: 50 * time.Millisecond})
	if err := e.Stage(writeTemp(t, "x"), "s3://bucket/in/data.txt"); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	returned := make(chan struct{})
	started := make(chan struct{})
	e.Processing("a.py", func(ctx context.Context, job *local.ProcessingJob) error {
		defer close(returned)
		close(started)
		<-release // ignores ctx
		return os.WriteFile(filepath.Join(job.Outputs["out"].Dir, "data.txt"), []byte("late"), 0o644)
	})
	e.Canned("B", local.Canned{})
	ctx, cancel := context.WithCancel(ctxT(t))
	go func() { <-started; cancel() }()
	ex, err := e.Run(ctx, chain(steps.CacheConfig{}), local.RunOptions{})
	if !errors.Is(err, local.ErrStopped) {
		t.Fatalf("err = %v", err)
	}
	if a := ex.Step("A"); a.Status != pipeline.StepStopped || !strings.Contains(a.FailureReason, "did not return") {
		t.Errorf("A: %+v", a)
	}
	close(release)
	<-returned
	time.Sleep(20 * time.Millisecond)
	loaded, err := local.Load(e.Root(), ex.ID)
	if err != nil || loaded.Step("A").Status != pipeline.StepStopped {
		t.Fatalf("loaded: %v %v", loaded, err)
	}
	if _, err := os.Stat(filepath.Join(e.Root(), "s3", "bucket", "chain", ex.ID, "A")); !os.IsNotExist(err) {
		t.Errorf("A's late output reached the store: %v", err)
	}
}

// A retry interval waits on the wall clock, and a stop ends the wait.
func TestStopDuringRetryWait(t *testing.T) {
	e := local.New(local.Config{Root: t.TempDir()})
	if err := e.Stage(writeTemp(t, "x"), "s3://bucket/in/data.txt"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctxT(t))
	e.Processing("a.py", func(ctx context.Context, job *local.ProcessingJob) error {
		time.AfterFunc(20*time.Millisecond, cancel)
		return local.ErrCapacity
	})
	e.Canned("B", local.Canned{})
	policy := steps.RetryPolicy{ExceptionTypes: []string{steps.JobCapacityError}, IntervalSeconds: 3600, MaxAttempts: 3}
	start := time.Now()
	ex, err := e.Run(ctx, chain(steps.CacheConfig{}, policy), local.RunOptions{})
	if !errors.Is(err, local.ErrStopped) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("the stop took %v", time.Since(start))
	}
	if a := ex.Step("A"); a.Status != pipeline.StepStopped || a.Attempts != 1 {
		t.Errorf("A: %+v", a)
	}
	if b := ex.Step("B"); b.Status != pipeline.StepNotRun {
		t.Errorf("B: %+v", b)
	}
}

// Executions of one engine may run at once; Executions lists them, newest
// first.
func TestConcurrentRunsAndExecutions(t *testing.T) {
	e, clock := testEngine(t, local.Config{})
	if err := e.Stage(writeTemp(t, "x"), "s3://bucket/in/data.txt"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := 0
	e.Processing("a.py", copyStep(&calls, &mu))
	e.Processing("b.py", copyStep(&calls, &mu))
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.Run(ctxT(t), chain(steps.CacheConfig{}), local.RunOptions{})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(time.Minute)
	last, err := e.Run(ctxT(t), chain(steps.CacheConfig{}), local.RunOptions{DisplayName: "last"})
	if err != nil {
		t.Fatal(err)
	}
	all, err := local.Executions(e.Root())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 || all[0].ID != last.ID || all[0].DisplayName != "last" || calls != 10 {
		t.Fatalf("%d executions, first %s, %d calls", len(all), all[0].ID, calls)
	}
	for _, ex := range all {
		if ex.Status != pipeline.ExecutionSucceeded {
			t.Errorf("%s: %s", ex.ID, ex.Status)
		}
		if got := readStore(t, e.Root(), ex.Step("B").Outputs["out"]+"/data.txt"); got != "xAB" {
			t.Errorf("%s: B wrote %q", ex.ID, got)
		}
	}
}
