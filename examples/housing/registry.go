package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

// registerStep is the step CheckEvaluation's true branch registers the
// model with.
const registerStep = "RegisterTrainedModel-RegisterModel"

// registered is the model package a run registered.
type registered struct {
	*local.ModelPackage
	// ModelFile is the local path of the package's model.tar.gz in the
	// artifact store.
	ModelFile string
}

// registeredPackage returns the package the register step of ex added to
// the engine's registry, or nil when the step did not run.
func registeredPackage(ctx context.Context, engine *local.Engine, ex *pipeline.Execution) (*registered, error) {
	r := ex.Step(registerStep)
	if r == nil || r.Status != pipeline.StepSucceeded {
		return nil, nil
	}
	var props struct {
		Arn string `json:"ModelPackageArn"`
	}
	if err := json.Unmarshal(r.Properties, &props); err != nil {
		return nil, fmt.Errorf("%s properties: %w", registerStep, err)
	}
	pkg, err := engine.Registry().PackageByArn(ctx, props.Arn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", registerStep, err)
	}
	reg := &registered{ModelPackage: pkg}
	if cs := pkg.InferenceSpecification.Containers; len(cs) > 0 {
		if p, err := storePath(engine.Root(), cs[0].ModelDataURL); err == nil {
			reg.ModelFile = p
		}
	}
	return reg, nil
}
