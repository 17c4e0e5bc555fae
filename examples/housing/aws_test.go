package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/sagepipe/sagepipe/sagemaker"
	"github.com/sagepipe/sagepipe/sagemaker/sagemakertest"
)

// TestImageOnLoopbackSageMaker runs the -aws -image path against the
// loopback SageMaker and an S3 fake: the raw data is the one object
// uploaded (no step stages code), the pipeline upserted is the compiled
// -image definition, and the execution is started and watched to its end.
func TestImageOnLoopbackSageMaker(t *testing.T) {
	s := imageSeed(t)
	backend := s3mem.New()
	if err := backend.CreateBucket(s.Env.Bucket); err != nil {
		t.Fatal(err)
	}
	srv := sagemakertest.New(gofakes3.New(backend).Server())
	defer srv.Close()
	var done []sagemakertest.Step
	for _, st := range []struct{ name, kind string }{{"FeatureStoreIngestion", "Processing"}, {"PreprocessData", "Processing"},
		{"HPTuning", "Tuning"}, {"EvaluateModel", "Processing"}, {"CheckEvaluation", "Condition"}} {
		done = append(done, sagemakertest.Step{Name: st.name, Status: "Succeeded", Kind: st.kind, Outcome: "True"})
	}
	srv.Script(PipelineName,
		sagemakertest.Frame{Status: "Executing", Steps: []sagemakertest.Step{{Name: "FeatureStoreIngestion", Status: "Executing", Kind: "Processing"}}},
		sagemakertest.Frame{Status: "Succeeded", Steps: done})
	cfg := sagemakertest.Config()
	client, err := sagemaker.New(cfg, sagemaker.WithEndpoint(srv.URL), sagemaker.WithPolling(time.Millisecond, 4*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	put := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(srv.URL); o.UsePathStyle = true })

	var out bytes.Buffer
	if err := runOn(ctxT(t), &out, s, client, put, nil); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"uploaded the raw data to " + s.rawURI(), "(0 code files uploaded)", ": Succeeded"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	def, err := s.Pipeline.Definition()
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := srv.Definition(PipelineName); !ok || got != string(def) {
		t.Errorf("upserted definition differs from the compiled one (-want +got):\n%s", cmp.Diff(string(def), got))
	}
	list, err := backend.ListBucket(s.Env.Bucket, nil, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range list.Contents {
		keys = append(keys, c.Key)
	}
	if diff := cmp.Diff([]string{strings.TrimPrefix(s.rawURI(), "s3://"+s.Env.Bucket+"/")}, keys); diff != "" {
		t.Errorf("objects in the bucket (-want +got):\n%s", diff)
	}
	if ps := srv.Problems(); len(ps) > 0 {
		t.Errorf("the server found malformed requests: %q", ps)
	}
}
