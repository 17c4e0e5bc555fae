package sagemaker_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/sagemaker"
	"github.com/sagepipe/sagepipe/steps"
)

// A pipeline compiled, sent to SageMaker, started with a parameter and
// watched to its end. It needs an AWS account (see the package
// documentation), so it is compiled but not run by the tests.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()

	const role = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole"
	count := params.Integer("InstanceCount").WithDefault(1)
	prep := steps.Processing("Prepare", steps.Processor{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3"),
		Command:       []string{"python3"},
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: count,
	}, steps.ProcessingJob{Code: "scripts/prepare.py"})
	p := pipeline.New("housing").Parameters(count).Steps(prep).
		Env(steps.Env{Bucket: "sagemaker-us-east-1-111122223333", Region: "us-east-1", Role: role})

	c, err := sagemaker.NewDefault(ctx)
	if err != nil {
		log.Fatal(err)
	}
	up, err := c.Upsert(ctx, p, role, sagemaker.UpsertOptions{Description: "housing prices"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pipeline", up.ARN, "version", up.Version)
	x, err := c.Start(ctx, p, map[string]any{"InstanceCount": 2}, sagemaker.StartOptions{})
	if err != nil {
		log.Fatal(err)
	}
	rec, err := x.Wait(ctx, func(e pipeline.Event) {
		fmt.Println(e.Time.Format(time.TimeOnly), e.Step, e.Kind, e.Message)
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rec.Status)
}
