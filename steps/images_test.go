package steps_test

import (
	"errors"
	"testing"

	"github.com/sagepipe/sagepipe/steps"
)

func TestImageURI(t *testing.T) {
	tests := []struct {
		framework, version, region, want string
	}{
		{"sklearn", "1.0-1", "us-east-1", "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3"},
		{"sklearn", "0.23-1", "us-east-1", "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3"},
		{"xgboost", "1.7-1", "us-east-1", "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"},
		{"xgboost", "1.7-1", "eu-west-1", "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"},
		{"xgboost", "1.7-1", "cn-north-1", "450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1"},
	}
	for _, tt := range tests {
		t.Run(tt.framework+"/"+tt.region, func(t *testing.T) {
			got, err := steps.ImageURI(tt.framework, tt.version, tt.region)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ImageURI = %s, want %s", got, tt.want)
			}
		})
	}
	for _, bad := range [][3]string{{"sklearn", "1.0-1", "mars-1"}, {"tensorflow", "2.1", "us-east-1"}} {
		if _, err := steps.ImageURI(bad[0], bad[1], bad[2]); !errors.Is(err, steps.ErrInvalid) {
			t.Errorf("ImageURI(%q) err = %v, want ErrInvalid", bad, err)
		}
	}
}
