package sagemaker

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/sagemaker/internal/smfake"
	"github.com/sagepipe/sagepipe/steps"
)

const (
	testBucket = "sagemaker-us-east-1-111122223333"
	testRole   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-EXAMPLE"
)

var testClock = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// harness is a client wired to a SageMaker fixture and an S3 fake, both
// behind one loopback server.
type harness struct {
	c     *Client
	srv   *smfake.Server
	s3    *s3mem.Backend
	s3put atomic.Int64 // object uploads seen by S3
}

// testConfig is an AWS configuration that can only reach loopback: static
// credentials, a fixed region, and the SDK's standard retryer with short
// backoffs.
func testConfig() aws.Config {
	return aws.Config{
		Region:      smfake.Region,
		Credentials: credentials.NewStaticCredentialsProvider(smfake.AccessKey, smfake.SecretKey, ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.NewExponentialJitterBackoff(5 * time.Millisecond)
			})
		},
	}
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{s3: s3mem.New()}
	if err := h.s3.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(h.s3).Server()
	h.srv = smfake.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			h.s3put.Add(1)
		}
		faker.ServeHTTP(w, r)
	}))
	t.Cleanup(h.srv.Close)
	c, err := New(testConfig(), WithEndpoint(h.srv.URL), WithPolling(time.Millisecond, 4*time.Millisecond),
		WithClock(func() time.Time { return testClock }))
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	t.Cleanup(func() {
		if ps := h.srv.Problems(); len(ps) > 0 {
			t.Errorf("fixture checks failed: %q", ps)
		}
	})
	return h
}

// object returns an object's bytes from the S3 fake.
func (h *harness) object(t *testing.T, key string) []byte {
	t.Helper()
	obj, err := h.s3.GetObject(testBucket, key, nil)
	if err != nil {
		t.Fatalf("object %s: %v", key, err)
	}
	defer obj.Contents.Close()
	b := make([]byte, obj.Size)
	if _, err := io.ReadFull(obj.Contents, b); err != nil {
		t.Fatal(err)
	}
	return b
}

// testPipeline builds a pipeline with a processing script, a framework
// training source directory, a condition and a fail step, all of its
// local code under dir.
func testPipeline(t *testing.T, dir, name string) *pipeline.Pipeline {
	t.Helper()
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(dir, "prep.py")
	write(script, "print('prepare')\n")
	src := filepath.Join(dir, "train")
	write(filepath.Join(src, "script.py"), "print('train')\n")
	write(filepath.Join(src, "util", "helpers.py"), "X = 1\n")

	count := params.Integer("InstanceCount").WithDefault(1)
	size := params.String("TrainSize").WithDefault("0.6")
	threshold := params.Float("Threshold").WithDefault(15000)
	flag := params.Boolean("Strict").WithDefault(false)
	mode := params.String("Mode").WithDefault("fast").WithEnum("fast", "slow")

	prep := steps.Processing("Prep", steps.Processor{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3"),
		Command:       []string{"python3"},
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: count,
	}, steps.ProcessingJob{
		Code:      script,
		Outputs:   []steps.ProcessingOutput{{Name: "train", Source: params.Lit("/opt/ml/processing/train")}},
		Arguments: []params.Exprer{params.Lit("--train_size"), size, params.Lit("--mode"), mode},
	})
	train := steps.Training("Train", steps.Estimator{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"),
		InstanceType:  params.Lit("ml.c5.xlarge"),
		InstanceCount: params.Lit(1),
		Framework:     steps.XGBoost("script.py", src),
	}, steps.TrainingInput{Channel: "train", S3Data: prep.Properties().Output("train").S3URI()})
	fail := steps.Fail("TooHigh", params.Join(" ", "Execution failed due to RMSE >", threshold))
	check := steps.When("Check",
		steps.LessThanOrEqualTo[float64](train.Properties().FinalMetric("validation:rmse"), threshold),
		steps.Equals[bool](flag, params.Lit(false)),
	).Else(fail)
	return pipeline.New(name).
		Parameters(count, size, threshold, flag, mode).
		Steps(prep, train, check).
		Env(steps.Env{Bucket: testBucket, Region: smfake.Region, Role: testRole})
}

// frozen returns p with the test clock, as Upsert compiles it.
func frozen(p *pipeline.Pipeline) *pipeline.Pipeline {
	env := p.Environment()
	env.Now = steps.FrozenClock(testClock)
	return p.Env(env)
}
