package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/sagepipe/sagepipe/internal/hpo"
	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// tuningRecord is what the engine keeps of a finished tuning job under
// <root>/tuning-jobs/<name>.json, for later tuning jobs that warm-start
// from it.
type tuningRecord struct {
	Name      string        `json:"name"`
	Objective string        `json:"objective"`
	Type      string        `json:"type"`
	Trials    []trialRecord `json:"trials"`
}

type trialRecord struct {
	TrainingJobName      string            `json:"trainingJobName"`
	TunedHyperParameters map[string]string `json:"tunedHyperParameters"`
	Status               string            `json:"status"`
	Objective            *float64          `json:"objective,omitempty"`
}

func tuningRecordPath(root, name string) (string, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", fmt.Errorf("%w: bad tuning job name %q", ErrNotFound, name)
	}
	return filepath.Join(root, "tuning-jobs", name+".json"), nil
}

func writeTuningRecord(root string, rec *tuningRecord) error {
	p, err := tuningRecordPath(root, rec.Name)
	if err != nil {
		return err
	}
	return writeJSON(p, rec)
}

func readTuningRecord(root, name string) (*tuningRecord, error) {
	p, err := tuningRecordPath(root, name)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: no tuning job %q ran under %s", ErrNotFound, name, root)
	}
	if err != nil {
		return nil, err
	}
	var rec tuningRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("tuning job %q: %w", name, err)
	}
	return &rec, nil
}

// tuningProperties builds a tuning step's property tree, the
// DescribeHyperParameterTuningJob response with the
// ListTrainingJobsForHyperParameterTuningJob summaries, best first.
func tuningProperties(a *attempt, ts *tuningSpec, tu *hpo.Tuner, outcomes map[int]*trialOutcome, name string) (*pyjson.Object, *tuningRecord, error) {
	rec := &tuningRecord{Name: name, Objective: ts.objective, Type: string(ts.cfg.Objective)}
	if rec.Type == "" {
		rec.Type = string(hpo.Maximize)
	}
	status := map[hpo.Status]int{}
	objStatus := map[string]int{}
	summary := func(r hpo.Result) *pyjson.Object {
		job := trialName(name, r.Index)
		tuned := pyjson.NewObject()
		for k, v := range r.Params.All() {
			tuned.Set(k, v)
		}
		s := pyjson.NewObject().
			Set("TrainingJobName", job).
			Set("TrainingJobArn", a.x.arn("training-job/"+strings.ToLower(job))).
			Set("TuningJobName", name).
			Set("TrainingJobStatus", string(r.Status)).
			Set("TunedHyperParameters", tuned)
		if r.Status == hpo.Failed {
			reason := "the training job failed"
			if o := outcomes[r.Index]; o != nil && o.err != nil {
				reason = o.err.Error()
			}
			s.Set("FailureReason", reason)
		}
		if !math.IsNaN(r.Value) && r.Status != hpo.Failed {
			s.Set("FinalHyperParameterTuningJobObjectiveMetric", pyjson.NewObject().
				Set("Type", rec.Type).Set("MetricName", ts.objective).Set("Value", r.Value))
			s.Set("ObjectiveStatus", "Succeeded")
		} else {
			s.Set("ObjectiveStatus", "Failed")
		}
		return s
	}
	for _, r := range tu.Results() {
		status[r.Status]++
		tr := trialRecord{TrainingJobName: trialName(name, r.Index), TunedHyperParameters: r.Params.Strings(), Status: string(r.Status)}
		if !math.IsNaN(r.Value) && r.Status != hpo.Failed {
			v := r.Value
			tr.Objective = &v
			objStatus["Succeeded"]++
		} else {
			objStatus["Failed"]++
		}
		rec.Trials = append(rec.Trials, tr)
	}
	best, ok := tu.Best()
	if !ok {
		return nil, nil, fmt.Errorf("%w: none of the %d training jobs of tuning job %s reported %q",
			ErrObjective, len(rec.Trials), name, ts.objective)
	}
	props := pyjson.NewObject()
	props.Set("HyperParameterTuningJobName", name)
	props.Set("HyperParameterTuningJobArn", a.x.arn("hyper-parameter-tuning-job/"+strings.ToLower(name)))
	for k, v := range a.args.Members() {
		props.Set(k, v)
	}
	props.Set("HyperParameterTuningJobStatus", "Completed")
	props.Set("TrainingJobStatusCounters", pyjson.NewObject().
		Set("Completed", int64(status[hpo.Completed])).
		Set("InProgress", int64(status[hpo.InProgress])).
		Set("RetryableError", int64(0)).
		Set("NonRetryableError", int64(status[hpo.Failed])).
		Set("Stopped", int64(status[hpo.Stopped])))
	props.Set("ObjectiveStatusCounters", pyjson.NewObject().
		Set("Succeeded", int64(objStatus["Succeeded"])).
		Set("Pending", int64(0)).
		Set("Failed", int64(objStatus["Failed"])))
	props.Set("BestTrainingJob", summary(best))
	var sums []any
	for _, r := range tu.Ranked() {
		if len(sums) == maxSummaries {
			break
		}
		sums = append(sums, summary(r))
	}
	props.Set("TrainingJobSummaries", sums)
	return props, rec, nil
}
