package local

import (
	"errors"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

func mustTree(t *testing.T, s string) any {
	t.Helper()
	v, err := pyjson.Unmarshal([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEvalCondition(t *testing.T) {
	cases := []struct {
		cond string
		want bool
		err  bool
	}{
		{`{"Type": "Equals", "LeftValue": 1, "RightValue": 1.0}`, true, false},
		{`{"Type": "Equals", "LeftValue": "1", "RightValue": 1}`, false, false},
		{`{"Type": "Equals", "LeftValue": true, "RightValue": true}`, true, false},
		{`{"Type": "Equals", "LeftValue": null, "RightValue": null}`, true, false},
		{`{"Type": "GreaterThan", "LeftValue": 2, "RightValue": 1.5}`, true, false},
		{`{"Type": "GreaterThan", "LeftValue": "2026-01-01T00:00:00.000Z", "RightValue": "2020-12-01"}`, true, false},
		{`{"Type": "GreaterThanOrEqualTo", "LeftValue": 1, "RightValue": 1}`, true, false},
		{`{"Type": "LessThan", "LeftValue": "10", "RightValue": 9}`, false, false},
		{`{"Type": "LessThan", "LeftValue": "abc", "RightValue": "abd"}`, true, false},
		{`{"Type": "LessThanOrEqualTo", "LeftValue": 9100.3, "RightValue": 15000.0}`, true, false},
		{`{"Type": "LessThan", "LeftValue": true, "RightValue": 1}`, false, true},
		{`{"Type": "In", "QueryValue": 2, "Values": [1, 2.0]}`, true, false},
		{`{"Type": "In", "QueryValue": "x", "Values": []}`, false, false},
		{`{"Type": "Not", "Condition": {"Type": "Equals", "LeftValue": 1, "RightValue": 2}}`, true, false},
		{`{"Type": "Not", "Expression": {"Type": "Equals", "LeftValue": 1, "RightValue": 1}}`, false, false},
		{`{"Type": "Or", "Conditions": [{"Type": "Equals", "LeftValue": 1, "RightValue": 2}, {"Type": "In", "QueryValue": "a", "Values": ["a"]}]}`, true, false},
		{`{"Type": "Or", "Conditions": []}`, false, false},
		{`{"Type": "Xor"}`, false, true},
	}
	for _, c := range cases {
		got, err := evalCondition(mustTree(t, c.cond))
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%s = %v, %v; want %v (error %v)", c.cond, got, err, c.want, c.err)
		}
		if err != nil && !errors.Is(err, ErrResolve) {
			t.Errorf("%s: error %v does not wrap ErrResolve", c.cond, err)
		}
	}
}

func TestPyStr(t *testing.T) {
	big1, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	cases := []struct {
		v    any
		want string
	}{
		{"s", "s"}, {nil, "None"}, {true, "True"}, {false, "False"}, {int64(-3), "-3"},
		{15000.0, "15000.0"}, {1e-05, "1e-05"}, {0.1, "0.1"}, {1e16, "1e+16"}, {big1, "123456789012345678901234567890"},
		{[]any{int64(1), "a"}, `[1, "a"]`},
	}
	for _, c := range cases {
		if got := pyStr(c.v); got != c.want {
			t.Errorf("pyStr(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestWalkPath(t *testing.T) {
	tree := mustTree(t, `{"ProcessingOutputConfig": {"Outputs": [{"OutputName": "train", "S3Output": {"S3Uri": "s3://b/t"}}]},
		"FinalMetricDataList": [{"MetricName": "rmse", "Value": 1.5}], "Environment": {"K": "v"},
		"TrainingJobSummaries": [{"TrainingJobName": "j0"}, {"TrainingJobName": "j1"}]}`)
	cases := map[string]any{
		".ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri": "s3://b/t",
		".ProcessingOutputConfig.Outputs[0].S3Output.S3Uri":       "s3://b/t",
		".FinalMetricDataList['rmse'].Value":                      1.5,
		".Environment['K']":                                       "v",
		".TrainingJobSummaries[1].TrainingJobName":                "j1",
	}
	for path, want := range cases {
		got, err := walkPath(tree, path)
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", path, got, err, want)
		}
	}
	for _, bad := range []string{".Missing", ".TrainingJobSummaries[2]", ".ProcessingOutputConfig.Outputs['test']", ".Environment['K'", ".Environment[x]", "Environment"} {
		if _, err := walkPath(tree, bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if v, err := walkJSONPath(mustTree(t, `{"a": {"b": [10, 20]}}`), "$.a.b[1]"); err != nil || v != int64(20) {
		t.Errorf("json path: %v, %v", v, err)
	}
}

func TestStorePath(t *testing.T) {
	s := store{root: "/r"}
	good := map[string]string{
		"s3://bucket/key":        "/r/s3/bucket/key",
		"s3://bucket/a//b/":      "/r/s3/bucket/a/b",
		"s3://bucket":            "/r/s3/bucket",
		"s3://bucket/x.tar.gz":   "/r/s3/bucket/x.tar.gz",
		"s3://b/with space/file": "/r/s3/b/with space/file",
	}
	for uri, want := range good {
		if got, err := s.path(uri); err != nil || got != filepath.FromSlash(want) {
			t.Errorf("path(%q) = %q, %v; want %q", uri, got, err, want)
		}
	}
	for _, uri := range []string{"http://b/k", "s3://", "s3://b/../x", "s3://b/./x", "s3://b/.sagepipe-old-x", "/local/path"} {
		if _, err := s.path(uri); !errors.Is(err, ErrURI) {
			t.Errorf("path(%q): err = %v", uri, err)
		}
	}
}
