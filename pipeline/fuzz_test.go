package pipeline

import (
	"errors"
	"os"
	"testing"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// FuzzParse feeds definitions (seeded with the SDK goldens) to Parse. For
// whatever it accepts: the definition is written back in json.dumps form,
// parsing that again gives the same bytes, and Validate, Definition, DOT
// and Mermaid run without panicking and report only the package's errors.
func FuzzParse(f *testing.F) {
	for _, name := range goldens(f) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [{"Name": "A", "Type": "Training", "Arguments": {"x": {"Std:Join": {"On": "", "Values": [{"Get": "Steps.A.X"}]}}}, "DependsOn": ["B"]}]}`))
	f.Add([]byte(`{"Version": "2020-12-01", "Metadata": {"k": "v"}, "Parameters": [{"Description": "d", "Name": "F", "Type": "Float", "DefaultValue": 1}], "PipelineExperimentConfig": null, "Steps": [{"Name": "A", "Type": "Training", "Arguments": {}, "CacheConfig": {"Enabled": false}, "DependsOn": ["B"]}, {"Name": "B", "Type": "Lambda", "Arguments": {}, "OutputParameters": [{"OutputName": "o", "OutputType": "String"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrParse) {
				t.Fatalf("Parse error %v does not wrap ErrParse", err)
			}
			return
		}
		tree, err := pyjson.Unmarshal(data)
		if err != nil {
			t.Fatalf("Parse accepted what pyjson refuses: %v", err)
		}
		canonical, err := pyjson.Marshal(tree)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.encode(p.compile())
		if err != nil || string(got) != string(canonical) {
			t.Fatalf("written back as\n%s (%v)\nwant\n%s", got, err, canonical)
		}
		again, err := Parse(got)
		if err != nil {
			t.Fatalf("Parse of the written-back definition: %v", err)
		}
		if b, err := again.encode(again.compile()); err != nil || string(b) != string(got) {
			t.Fatalf("second round trip differs:\n%s\n%s", b, got)
		}
		def, err := p.Definition()
		if err == nil && string(def) != string(canonical) {
			t.Fatalf("Definition differs from the canonical input")
		}
		for _, e := range []error{err, p.Validate()} {
			if e != nil && !errors.Is(e, ErrDuplicateName) && !errors.Is(e, ErrEmptyName) && !errors.Is(e, ErrCycle) &&
				!errors.Is(e, ErrUnknownStep) && !errors.Is(e, ErrUndeclaredParameter) && !errors.Is(e, ErrPropertyFile) &&
				!errors.Is(e, ErrNaN) && !errors.Is(e, ErrInvalidValue) && !errors.Is(e, ErrInvalidName) && !errors.Is(e, ErrParameterType) && !errors.Is(e, ErrNoRole) {
				t.Fatalf("error outside the package vocabulary: %v", e)
			}
		}
		_ = p.DOT()
		_ = p.Mermaid()
	})
}
