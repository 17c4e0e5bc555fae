package smfake

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
)

// The server refuses a request signed with other credentials, and records
// the failed check.
func TestSignatureChecked(t *testing.T) {
	srv := New(nil)
	defer srv.Close()
	for _, tc := range []struct {
		secret string
		ok     bool
	}{{SecretKey, true}, {"another secret", false}} {
		c := sm.New(sm.Options{
			Region:       Region,
			BaseEndpoint: aws.String(srv.URL),
			Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, tc.secret, ""),
		})
		_, err := c.ListPipelines(context.Background(), &sm.ListPipelinesInput{})
		if (err == nil) != tc.ok {
			t.Errorf("secret %q: err = %v", tc.secret, err)
		}
	}
	if ps := srv.Problems(); len(ps) != 1 || !strings.Contains(ps[0], "signature mismatch") {
		t.Errorf("problems = %q", ps)
	}
}
