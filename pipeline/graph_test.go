package pipeline_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sagepipe/sagepipe/pipeline"
)

var update = flag.Bool("update", false, "rewrite the DOT and Mermaid golden files")

func parseFile(t *testing.T, name string) *pipeline.Pipeline {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "parse", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestGraphRendering draws the DAGs of golden definitions in DOT and
// Mermaid and compares them with reviewed files under testdata/graph.
func TestGraphRendering(t *testing.T) {
	for _, name := range []string{"seed-pipeline.sdk-2.257.6", "condition-all-types", "processing-propertyfile-cache", "jsonget-join-fail-nested"} {
		t.Run(name, func(t *testing.T) {
			p := parseFile(t, name+".json").WithName(name)
			dot, mmd := p.DOT(), p.Mermaid()
			checkGolden(t, filepath.Join("testdata", "graph", name+".dot"), dot)
			checkGolden(t, filepath.Join("testdata", "graph", name+".mmd"), mmd)
			for range 3 {
				if p.DOT() != dot || p.Mermaid() != mmd {
					t.Fatal("rendering is not deterministic")
				}
			}
		})
	}
}

func TestGraphEdges(t *testing.T) {
	g := parseFile(t, "seed-pipeline.sdk-2.257.6.json").Graph()
	var edges []string
	for _, e := range g.Edges {
		edges = append(edges, e.From+" -"+e.Kind.String()+"-> "+e.To)
	}
	want := []string{
		"FeatureStoreIngestion -depends-on-> PreprocessData",
		"PreprocessData -depends-on-> HPTuning",
		"PreprocessData -data-> HPTuning",
		"HPTuning -data-> EvaluateModel",
		"PreprocessData -data-> EvaluateModel",
		"EvaluateModel -data-> CheckEvaluation",
		"CheckEvaluation -if-> RegisterTrainedModel-RegisterModel",
		"HPTuning -data-> RegisterTrainedModel-RegisterModel",
		"CheckEvaluation -else-> RMSEFail",
	}
	if diff := cmp.Diff(want, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if !strings.Contains(parseFile(t, "condition-all-types.json").DOT(), `"MyStep0" -> "MyConditionStep" [style=dashed];`) {
		t.Error("data edge of the In condition missing")
	}
}

func TestGraphOrder(t *testing.T) {
	order, err := parseFile(t, "seed-pipeline.sdk-2.257.6.json").Graph().Order()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"FeatureStoreIngestion", "PreprocessData", "HPTuning", "EvaluateModel", "CheckEvaluation", "RegisterTrainedModel-RegisterModel", "RMSEFail"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	// Appended steps come first when the listed ones need them.
	order, err = parseFile(t, "condition-all-types.json").Graph().Order()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"MyStep0", "MyConditionStep", "MyStep1", "MyStep2"}, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	cyclic := []byte(`{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [{"Name": "A", "Type": "Training", "Arguments": {}, "DependsOn": ["B"]}, {"Name": "B", "Type": "Training", "Arguments": {}, "DependsOn": ["A"]}, {"Name": "C", "Type": "Training", "Arguments": {}}]}`)
	p, err := pipeline.Parse(cyclic)
	if err != nil {
		t.Fatal(err)
	}
	order, err = p.Graph().Order()
	if !errors.Is(err, pipeline.ErrCycle) || !strings.Contains(err.Error(), "A, B") || len(order) != 1 {
		t.Errorf("Order() = %v, %v; want C then ErrCycle naming A, B", order, err)
	}
}
