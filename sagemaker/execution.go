package sagemaker

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
)

// Execution is a handle on one pipeline execution on SageMaker.
type Execution struct {
	c        *Client
	arn      string
	id       string
	pipeline string

	mu      sync.Mutex
	known   bool                   // definition looked up (or given)
	stepsIn []stepInfo             // definition's steps in order
	types   map[string]params.Type // parameter types
}

// stepInfo is a step of the definition: its name and type.
type stepInfo struct{ name, typ string }

// Execution returns a handle on the execution with the given ARN
// (arn:aws:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>).
func (c *Client) Execution(arn string) (*Execution, error) {
	i := strings.Index(arn, ":pipeline/")
	if i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrARN, arn)
	}
	name, id, ok := strings.Cut(arn[i+len(":pipeline/"):], "/execution/")
	if !ok || name == "" || id == "" || strings.Contains(id, "/") {
		return nil, fmt.Errorf("%w: %q", ErrARN, arn)
	}
	return &Execution{c: c, arn: arn, id: id, pipeline: name}, nil
}

// ARN returns the execution's ARN.
func (e *Execution) ARN() string { return e.arn }

// ID returns the execution's id, the last part of its ARN.
func (e *Execution) ID() string { return e.id }

// Pipeline returns the pipeline's name.
func (e *Execution) Pipeline() string { return e.pipeline }

func (e *Execution) setDefinition(p *pipeline.Pipeline) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.known = true
	e.types = map[string]params.Type{}
	for _, prm := range p.Params() {
		e.types[prm.Name()] = prm.Type()
	}
	e.stepsIn = nil
	for _, n := range p.Graph().Nodes {
		e.stepsIn = append(e.stepsIn, stepInfo{n.Step.Name(), string(n.Step.Type())})
	}
}

// definition returns the execution's steps and parameter types, looking
// the definition up once. A definition that cannot be read leaves them
// unknown: records then hold the steps the service lists, values as
// strings.
func (e *Execution) definition(ctx context.Context) ([]stepInfo, map[string]params.Type) {
	e.mu.Lock()
	known := e.known
	e.mu.Unlock()
	if !known {
		out, err := e.c.api.DescribePipelineDefinitionForExecution(ctx, &sm.DescribePipelineDefinitionForExecutionInput{PipelineExecutionArn: aws.String(e.arn)})
		if err != nil {
			e.c.log.DebugContext(ctx, "definition unavailable", "execution", e.arn, "err", err)
			if ctx.Err() != nil {
				return nil, nil // try again next time
			}
			e.mu.Lock()
			e.known = true
			e.mu.Unlock()
		} else if p, err := pipeline.Parse([]byte(aws.ToString(out.PipelineDefinition))); err == nil {
			e.setDefinition(p.WithName(e.pipeline))
		} else {
			e.c.log.DebugContext(ctx, "definition not parsed", "execution", e.arn, "err", err)
			e.mu.Lock()
			e.known = true
			e.mu.Unlock()
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stepsIn, e.types
}

// Describe returns the execution's record: status, parameters and every
// step's record. Steps are in definition order; once the execution is
// done, a step of the definition the service never listed is NotRun.
func (e *Execution) Describe(ctx context.Context) (*pipeline.Execution, error) {
	out, err := e.c.api.DescribePipelineExecution(ctx, &sm.DescribePipelineExecutionInput{PipelineExecutionArn: aws.String(e.arn)})
	if err != nil {
		return nil, opErr("DescribePipelineExecution", e.arn, err)
	}
	defs, types := e.definition(ctx)
	rec := &pipeline.Execution{
		ID:            e.id,
		ARN:           e.arn,
		Pipeline:      e.pipeline,
		DisplayName:   aws.ToString(out.PipelineExecutionDisplayName),
		Status:        pipeline.ExecutionStatus(out.PipelineExecutionStatus),
		FailureReason: aws.ToString(out.FailureReason),
		Start:         aws.ToTime(out.CreationTime),
		Parameters:    map[string]json.RawMessage{},
	}
	if rec.Status == pipeline.ExecutionStatus(smtypes.PipelineExecutionStatusCompletedWithFailures) {
		rec.Status = pipeline.ExecutionFailed
	}
	if rec.Status.Done() {
		rec.End = aws.ToTime(out.LastModifiedTime)
	}
	pp := sm.NewListPipelineParametersForExecutionPaginator(e.c.api, &sm.ListPipelineParametersForExecutionInput{PipelineExecutionArn: aws.String(e.arn)})
	for pp.HasMorePages() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			return nil, opErr("ListPipelineParametersForExecution", e.arn, err)
		}
		for _, prm := range page.PipelineParameters {
			rec.Parameters[aws.ToString(prm.Name)] = jsonValue(types[aws.ToString(prm.Name)], aws.ToString(prm.Value))
		}
	}
	listed := map[string]pipeline.StepRecord{}
	var order []string
	for s, err := range e.Steps(ctx) {
		if err != nil {
			return nil, err
		}
		if _, dup := listed[s.Name]; !dup {
			order = append(order, s.Name)
		}
		listed[s.Name] = s
	}
	for _, d := range defs {
		s, ok := listed[d.name]
		switch {
		case ok:
			s.Type = d.typ
			delete(listed, d.name)
		case rec.Status.Done():
			s = pipeline.StepRecord{Name: d.name, Type: d.typ, Status: pipeline.StepNotRun,
				FailureReason: "the step did not run: its branch was not taken or a step it depends on did not succeed"}
		default:
			continue
		}
		rec.Steps = append(rec.Steps, s)
	}
	for _, n := range order { // steps the definition does not name
		if s, ok := listed[n]; ok {
			rec.Steps = append(rec.Steps, s)
		}
	}
	return rec, nil
}

// Steps returns the records of the steps the service lists for the
// execution, oldest first, page by page. The step type is the job kind the
// service reports ("Processing", "Training", ...) when it reports one.
func (e *Execution) Steps(ctx context.Context) iter.Seq2[pipeline.StepRecord, error] {
	return func(yield func(pipeline.StepRecord, error) bool) {
		pg := sm.NewListPipelineExecutionStepsPaginator(e.c.api, &sm.ListPipelineExecutionStepsInput{
			PipelineExecutionArn: aws.String(e.arn),
			SortOrder:            smtypes.SortOrderAscending,
		})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				yield(pipeline.StepRecord{}, opErr("ListPipelineExecutionSteps", e.arn, err))
				return
			}
			for _, s := range page.PipelineExecutionSteps {
				if !yield(stepRecord(s), nil) {
					return
				}
			}
		}
	}
}

func stepRecord(s smtypes.PipelineExecutionStep) pipeline.StepRecord {
	r := pipeline.StepRecord{
		Name:          aws.ToString(s.StepName),
		Status:        pipeline.StepStatus(s.StepStatus),
		Start:         aws.ToTime(s.StartTime),
		End:           aws.ToTime(s.EndTime),
		Attempts:      int(aws.ToInt32(s.AttemptCount)),
		FailureReason: aws.ToString(s.FailureReason),
	}
	if r.Attempts == 0 && r.Status != pipeline.StepStarting {
		r.Attempts = 1
	}
	if ch := s.CacheHitResult; ch != nil && ch.SourcePipelineExecutionArn != nil {
		r.CachedFrom = aws.ToString(ch.SourcePipelineExecutionArn)
		r.Attempts = 0
	}
	if m := s.Metadata; m != nil {
		switch {
		case m.ProcessingJob != nil:
			r.Type = "Processing"
		case m.TrainingJob != nil:
			r.Type = "Training"
		case m.TuningJob != nil:
			r.Type = "Tuning"
		case m.TransformJob != nil:
			r.Type = "Transform"
		case m.Model != nil:
			r.Type = "Model"
		case m.RegisterModel != nil:
			r.Type = "RegisterModel"
		case m.Lambda != nil:
			r.Type = "Lambda"
			r.Properties = outputParameters(m.Lambda.OutputParameters)
		case m.Callback != nil:
			r.Type = "Callback"
			r.Properties = outputParameters(m.Callback.OutputParameters)
		case m.Condition != nil:
			r.Type = "Condition"
			r.Properties, _ = json.Marshal(map[string]string{"Outcome": string(m.Condition.Outcome)})
		case m.Fail != nil:
			r.Type = "Fail"
			if msg := aws.ToString(m.Fail.ErrorMessage); msg != "" && r.FailureReason == "" {
				r.FailureReason = msg
			}
		}
	}
	return r
}

func outputParameters(ps []smtypes.OutputParameter) json.RawMessage {
	m := map[string]string{}
	for _, p := range ps {
		m[aws.ToString(p.Name)] = aws.ToString(p.Value)
	}
	b, _ := json.Marshal(map[string]any{"OutputParameters": m})
	return b
}

// Stop asks the service to stop the execution; Wait then sees it end
// Stopped.
func (e *Execution) Stop(ctx context.Context) error {
	_, err := e.c.api.StopPipelineExecution(ctx, &sm.StopPipelineExecutionInput{
		PipelineExecutionArn: aws.String(e.arn), ClientRequestToken: aws.String(token()),
	})
	return opErr("StopPipelineExecution", e.arn, err)
}

// Retry resumes a failed execution from its failed steps (the ARN stays
// the same). maxParallelSteps overrides the parallelism when positive.
func (e *Execution) Retry(ctx context.Context, maxParallelSteps int) error {
	in := &sm.RetryPipelineExecutionInput{PipelineExecutionArn: aws.String(e.arn), ClientRequestToken: aws.String(token())}
	if maxParallelSteps > 0 {
		in.ParallelismConfiguration = &smtypes.ParallelismConfiguration{MaxParallelExecutionSteps: aws.Int32(int32(maxParallelSteps))}
	}
	_, err := e.c.api.RetryPipelineExecution(ctx, in)
	return opErr("RetryPipelineExecution", e.arn, err)
}
