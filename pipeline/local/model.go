package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sagepipe/sagepipe/internal/atomicfile"
	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// ErrNoModel reports a model name with no model record under the root:
// no CreateModel step made it.
var ErrNoModel = errors.New("local: no such model")

// Container is a model's serving container, as CreateModel's
// PrimaryContainer and a model package's InferenceSpecification.Containers
// describe it.
type Container struct {
	// Image is the inference image URI.
	Image string `json:"Image"`
	// ModelDataURL is the S3 URI of the model's artifacts (model.tar.gz).
	ModelDataURL string `json:"ModelDataUrl,omitempty"`
	// Environment holds the container's environment variables.
	Environment map[string]string `json:"Environment,omitempty"`
	// Framework, FrameworkVersion and NearestModelName describe a
	// registered package's container ("XGBOOST", "1.7-1").
	Framework        string `json:"Framework,omitempty"`
	FrameworkVersion string `json:"FrameworkVersion,omitempty"`
	NearestModelName string `json:"NearestModelName,omitempty"`
}

// Model is a model made by a CreateModel step, as SageMaker's
// DescribeModel returns it. Its record lives under <root>/models/.
type Model struct {
	// Name is the model's name (the step's ModelName property), made like
	// a job name: pipelines-<execution>-<step>-<suffix>.
	Name string `json:"ModelName"`
	// Arn is the model's ARN.
	Arn string `json:"ModelArn"`
	// ExecutionRoleArn is the role the model was created with.
	ExecutionRoleArn string `json:"ExecutionRoleArn,omitempty"`
	// PrimaryContainer is the model's container.
	PrimaryContainer Container `json:"PrimaryContainer"`
	// CreationTime is when the step created it.
	CreationTime time.Time `json:"CreationTime"`
	// PipelineExecutionArn is the execution that created it.
	PipelineExecutionArn string `json:"PipelineExecutionArn,omitempty"`
}

// DescribeModel reads the record of the named model under the engine
// root root. A name with no record is an error wrapping ErrNoModel.
func DescribeModel(root, name string) (*Model, error) {
	p, err := modelPath(rootOrDefault(root), name)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %q", ErrNoModel, name)
	}
	if err != nil {
		return nil, fmt.Errorf("local: model %q: %w", name, err)
	}
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("local: model %q: %w", name, err)
	}
	return &m, nil
}

func modelPath(root, name string) (string, error) {
	if !validName(name) {
		return "", fmt.Errorf("%w: %q is not a valid model name", ErrNoModel, name)
	}
	return filepath.Join(root, "models", name+".json"), nil
}

// validName reports whether name is a SageMaker resource name
// ([a-zA-Z0-9](-*[a-zA-Z0-9_]), at most 63 characters for packages and
// models; job names here may be longer), safe as a file name.
func validName(name string) bool {
	if name == "" || len(name) > 256 {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case (r == '-' || r == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

// writeJSON writes v as indented JSON to path atomically, making the
// directory.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// containerOf reads a container definition from a resolved tree.
func containerOf(o *pyjson.Object) Container {
	c := Container{Image: str(o, "Image"), ModelDataURL: str(o, "ModelDataUrl"),
		Framework: str(o, "Framework"), FrameworkVersion: str(o, "FrameworkVersion"),
		NearestModelName: str(o, "NearestModelName")}
	if c.ModelDataURL == "" {
		// A resolved value that is not a string (a number from a
		// parameter) is rendered as Python would.
		if v, ok := o.Get("ModelDataUrl"); ok && v != nil {
			c.ModelDataURL = pyStr(v)
		}
	}
	if env := asObject(get(o, "Environment")); env != nil {
		c.Environment = map[string]string{}
		for k, v := range env.Members() {
			c.Environment[k] = pyStr(v)
		}
	}
	return c
}

// builtin is an executor whose steps need no bound function: the engine
// does their work (CreateModel, RegisterModel) or has a default
// implementation (Transform's predictor for XGBoost models).
type builtin interface {
	builtin() any
}

// modelExecutor runs CreateModel steps (type "Model"): it records the
// model under <root>/models/ and returns DescribeModel's answer.
type modelExecutor struct{}

// createModel marks the engine's own implementation of CreateModel.
type createModel struct{}

func (modelExecutor) builtin() any                                 { return createModel{} }
func (modelExecutor) cacheable() bool                              { return false }
func (modelExecutor) keys(s *stepDef) []string                     { return []string{s.name} }
func (modelExecutor) cacheKey(args *pyjson.Object) (any, []string) { return args, nil }

// canned replays the canned log, metrics and errors, then creates the
// model as usual.
func (modelExecutor) canned(c Canned) any { return c }

func (modelExecutor) run(ctx context.Context, a *attempt, impl any) (*result, error) {
	if c, ok := impl.(Canned); ok {
		j := a.job()
		if err := c.apply(&j); err != nil {
			return nil, err
		}
		if len(c.Outputs)+len(c.OutputsFrom) > 0 {
			return nil, fmt.Errorf("canned outputs: a CreateModel step has no outputs")
		}
	}
	args := a.args
	m := Model{Name: a.jobName, Arn: a.x.arn("model/" + lower(a.jobName)),
		CreationTime:         a.x.e.cfg.Clock.Now().UTC(),
		PipelineExecutionArn: a.x.vars["PipelineExecutionArn"]}
	m.ExecutionRoleArn, _ = get(args, "ExecutionRoleArn").(string)
	pc := asObject(get(args, "PrimaryContainer"))
	if pc == nil {
		if cs := asList(get(args, "Containers")); len(cs) > 0 {
			pc = asObject(cs[0])
		}
	}
	if pc == nil {
		return nil, fmt.Errorf("%w: CreateModel has no PrimaryContainer", ErrDefinition)
	}
	m.PrimaryContainer = containerOf(pc)
	if m.PrimaryContainer.Image == "" {
		return nil, fmt.Errorf("%w: the model's container has no Image", ErrDefinition)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := modelPath(a.x.e.root, m.Name)
	if err != nil {
		return nil, err
	}
	if err := writeJSON(p, m); err != nil {
		return nil, fmt.Errorf("writing model record %s: %w", m.Name, err)
	}
	a.log.Info("model created", "model", m.Name, "image", m.PrimaryContainer.Image,
		"model_data", m.PrimaryContainer.ModelDataURL)
	props := pyjson.NewObject()
	props.Set("ModelName", m.Name)
	for k, v := range args.Members() {
		props.Set(k, v)
	}
	props.Set("ModelArn", m.Arn)
	props.Set("CreationTime", formatTime(m.CreationTime))
	return &result{properties: props}, nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
