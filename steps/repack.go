package steps

import (
	_ "embed"
	"fmt"
	"path"
	"strconv"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// The SDK's _RepackModelStep settings (sagemaker.workflow._utils): a
// scikit-learn training job that unpacks the model archive, adds the
// inference code under code/ and packs it again.
const (
	repackFrameworkVersion = "1.2-1"
	repackInstanceType     = "ml.m5.large"
	repackLauncher         = "_repack_script_launcher.sh"
	repackDescription      = "Used to repack a model with customer scripts for a register/create model step"
	// repackedCodeDir is SAGEMAKER_SUBMIT_DIRECTORY of a repacked model:
	// the code travels inside the model archive.
	repackedCodeDir = "/opt/ml/model/code"
)

// The repacking scripts the repack step's training job runs, staged with
// the model's source dir.
var (
	//go:embed repackcode/_repack_model.py
	repackScript []byte
	//go:embed repackcode/_repack_script_launcher.sh
	repackLauncherScript []byte
)

// upload is the code the repack step stages in env: the model's source
// dir and the repacking scripts, packed into sourcedir.tar.gz under the
// repack job's name.
func (r *repackStep) upload(env *Env) []stepdef.Upload {
	m := &r.model
	if m.SourceDir == "" || !isLocal(m.SourceDir) {
		return nil // defProblems reports it
	}
	est, err := r.estimator(env)
	if err != nil {
		return nil
	}
	return []stepdef.Upload{{
		URI:       env.s3(env.JobName(est.baseJobName()), "source", "sourcedir.tar.gz"),
		Archive:   true,
		SourceDir: localPath(m.SourceDir),
		Files: []stepdef.File{
			{Name: "_repack_model.py", Mode: 0o644, Data: repackScript},
			{Name: repackLauncher, Mode: 0o755, Data: repackLauncherScript},
		},
	}}
}

// repackStep is the training step the SDK inserts before a model step for
// each of its models with Model.Repack set, named "<name>-RepackModel-<i>"
// with i the model's index. It shares the model step's dependencies and
// retry policies.
type repackStep struct {
	common
	model Model
}

// newRepackStep returns the repack step of model i of sub.
func newRepackStep(name string, i int, m Model, sub *modelSubStep) *repackStep {
	r := &repackStep{common: newCommon(name + "-RepackModel-" + strconv.Itoa(i)), model: m}
	r.env.dependsOn = sub.env.dependsOn
	r.env.dependsOnSteps = sub.env.dependsOnSteps
	r.env.retryPolicies = sub.env.retryPolicies
	r.env.description = repackDescription
	return r
}

// repackedData is the model data a repacked model reads: the repack
// step's artifacts.
func (r *repackStep) repackedData() params.Input[string] {
	return params.StepProperty[string](r, "ModelArtifacts.S3ModelArtifacts")
}

func (r *repackStep) Type() Type    { return TypeTraining }
func (r *repackStep) Steps() []Step { return []Step{r} }

func (r *repackStep) defTrailer(*Env) []stepdef.Member { return nil }

// defProblems reports models the DSL cannot repack as the SDK does.
func (r *repackStep) defProblems() []error {
	out := r.commonProblems()
	m := &r.model
	if m.EntryPoint == "" || m.SourceDir == "" || !isLocal(m.SourceDir) {
		out = append(out, fmt.Errorf("%w: step %q: a repacked model needs an EntryPoint and a local SourceDir", ErrInvalid, r.name))
	}
	if !isVariable(m.ModelData) {
		// The SDK repacks literal model data while it builds the
		// definition, not in a step.
		out = append(out, fmt.Errorf("%w: step %q: a repacked model needs its ModelData from a pipeline variable (a step property or parameter)", ErrInvalid, r.name))
	}
	return out
}

// estimator is the SDK's repacking SKLearn estimator in env.
func (r *repackStep) estimator(env *Env) (Estimator, error) {
	m := &r.model
	img, err := ImageURI("sklearn", repackFrameworkVersion, env.Region)
	if err != nil {
		return Estimator{}, fmt.Errorf("step %q: %w", r.name, err)
	}
	return Estimator{
		ImageURI:      params.Lit(img),
		Role:          m.Role,
		InstanceType:  params.Lit(repackInstanceType),
		InstanceCount: params.Lit(1),
		// runtime_repack_output_prefix: where the model's own code would
		// have been staged.
		OutputPath: params.Lit(env.s3(modelCodePrefix(env, m.ImageURI))),
		HyperParameters: []Member{
			{Key: "inference_script", Value: path.Base(m.EntryPoint)},
			{Key: "model_archive", Value: m.ModelData},
			{Key: "dependencies", Value: nil},
			{Key: "source_dir", Value: m.SourceDir},
		},
		Subnets:          m.Subnets,
		SecurityGroupIDs: m.SecurityGroupIDs,
		DisableProfiler:  true,
		Framework: &Framework{
			EstimatorClass:  "SKLearn",
			EstimatorModule: "sagemaker.sklearn.estimator",
			EntryPoint:      params.Lit(repackLauncher),
			SourceDir:       m.SourceDir,
		},
	}, nil
}

func (r *repackStep) defArguments(env *Env) any {
	env = orEmpty(env)
	est, err := r.estimator(env)
	if err != nil {
		return err
	}
	t := &TrainingStep{common: r.common, est: est, layout: LayoutJob,
		inputs: []TrainingInput{{S3Data: r.model.ModelData}},
		// The SDK stages the source dir with its own two files added,
		// under the job name: no content hash is needed.
		code: newCodeHash(r.model.SourceDir)}
	a := t.defArguments(env).(*pyjson.Object)
	// disable_profiler=True renders {"DisableProfiler": true}.
	a.Set("ProfilerConfig", pyjson.NewObject().Set("DisableProfiler", true))
	return a
}

// isVariable reports whether in holds a pipeline variable rather than a
// literal.
func isVariable[T params.Primitive](in params.Input[T]) bool {
	if in == nil {
		return false
	}
	switch in.Value().Expr().(type) {
	case nil, params.Literal:
		return false
	}
	return true
}
