package local

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/pipeline"
)

func TestLogStreamLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"[3]\tvalidation-rmse:1.5", "[3]#011validation-rmse:1.5"},
		{"a\x1bb\x7f", "a#033b#177"},
		{"ünïcode\t", "ünïcode#011"},
	} {
		if got := logStreamLine(c.in); got != c.want {
			t.Errorf("logStreamLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIsXGBoostImage(t *testing.T) {
	for _, c := range []struct {
		image string
		want  bool
	}{
		{"683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", true},
		{"811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1", true},
		{"sagemaker-xgboost@sha256:abc", true},
		{"683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3", false},
		{"my-xgboost-fork:1", false},
		{"", false},
	} {
		if got := isXGBoostImage(c.image); got != c.want {
			t.Errorf("isXGBoostImage(%q) = %v", c.image, got)
		}
	}
}

func algSpec(image string, defs ...[2]string) *pyjson.Object {
	o := pyjson.NewObject().Set("TrainingImage", image)
	var l []any
	for _, d := range defs {
		l = append(l, pyjson.NewObject().Set("Name", d[0]).Set("Regex", d[1]))
	}
	if l != nil {
		o.Set("MetricDefinitions", l)
	}
	return o
}

func TestScanXGBoostLines(t *testing.T) {
	defs, err := metricDefs(algSpec("x/sagemaker-xgboost:1.7-1", [2]string{"train:rmse", `.*\[[0-9]+\].*#011train-rmse:([0-9.]+)`}))
	if err != nil {
		t.Fatal(err)
	}
	type m struct {
		Name  string
		Value float64
	}
	for _, c := range []struct {
		line string
		want []m
	}{
		// XGBoost's own line: (\S+) of a metric in the middle runs into
		// the next one and does not parse, as on SageMaker.
		{"[12]\ttrain-rmse:0.5\tvalidation-mae:0.25\tvalidation-rmse:0.75", []m{{"train:rmse", 0.5}, {"validation:rmse", 0.75}}},
		// The seed's script prints one metric per line.
		{"[3] #011validation-mae:1234.5", []m{{"validation:mae", 1234.5}}},
		{"[4]\tvalidation-auc:nan", []m{{"validation:auc", 0}}},
		{"validation-rmse:1 without a round", nil},
		{"[1]\tvalidation-rmse:abc", nil},
	} {
		var got []m
		for _, x := range scan(defs, c.line) {
			if x.Name == "validation:auc" && x.Value != x.Value {
				x.Value = 0 // NaN parses, as Python's float("nan")
			}
			got = append(got, m{x.Name, x.Value})
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", c.line, diff)
		}
	}
}

func TestMetricDefsErrors(t *testing.T) {
	_, err := metricDefs(algSpec("img", [2]string{"a", "("}, [2]string{"b", "no group"}, [2]string{"c", "(ok)"}))
	if !errors.Is(err, ErrMetric) {
		t.Fatalf("err = %v", err)
	}
	for _, name := range []string{`"a"`, `"b"`} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%v does not name %s", err, name)
		}
	}
	// A definition of the image's own metric replaces it.
	defs, err := metricDefs(algSpec("sagemaker-xgboost:1.7-1", [2]string{"validation:rmse", `rmse=(\S+)`}))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range defs {
		if d.name == "validation:rmse" {
			n++
		}
	}
	if n != 1 || defs[0].re.String() != `rmse=(\S+)` {
		t.Errorf("validation:rmse defined %d times", n)
	}
}

func TestMetricLogFinalAndLines(t *testing.T) {
	defs, _ := metricDefs(algSpec("img", [2]string{"loss", `loss=(\S+)`}))
	var got []pipeline.Metric
	var l *metricLog
	l = newMetricLog(defs, func(m pipeline.Metric) { got = append(got, m); l.add(m) })
	l.line("loss=3\nloss=2")
	l.line("nothing")
	l.line("loss=1")
	if len(got) != 3 || got[2].Step != 2 || got[2].Value != 1 {
		t.Fatalf("metrics %+v", got)
	}
	final := l.final()
	if len(final) != 1 {
		t.Fatalf("final %v", final)
	}
	if v, _ := final[0].(*pyjson.Object).Get("Value"); v != 1.0 {
		t.Errorf("final value %v", v)
	}
}
