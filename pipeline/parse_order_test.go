package pipeline

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestParseEnvelopeAnyPosition checks that DependsOn and RetryPolicies count
// wherever they are in a step object (the service ignores key order), that
// the definition is still written back byte for byte, and that a
// self-dependency or an unknown target found there fails Validate.
func TestParseEnvelopeAnyPosition(t *testing.T) {
	const head = `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [`
	const retry = `[{"BackoffRate": 2.0, "IntervalSeconds": 1, "MaxAttempts": 3, "ExceptionType": ["Step.THROTTLING"]}]`
	tests := []struct {
		name    string
		b       string // the step object of B, which depends on A
		retries int
	}{
		{"after CacheConfig", `{"Name": "B", "Type": "Training", "Arguments": {}, "CacheConfig": {"Enabled": false}, "DependsOn": ["A"]}`, 0},
		{"after an unknown key", `{"Name": "B", "Type": "Training", "Arguments": {}, "Extra": 1, "DependsOn": ["A"], "RetryPolicies": ` + retry + `}`, 1},
		{"after an empty DisplayName", `{"Name": "B", "Type": "Training", "Arguments": {}, "DisplayName": "", "DependsOn": ["A"]}`, 0},
		{"retry before DependsOn", `{"Name": "B", "Type": "Training", "Arguments": {}, "RetryPolicies": ` + retry + `, "DependsOn": ["A"]}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// B is listed first: only the edge orders A before it.
			in := head + tt.b + `, {"Name": "A", "Type": "Training", "Arguments": {}}]}`
			p, err := Parse([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if def, err := p.Definition(); err != nil || string(def) != in {
				t.Fatalf("round trip: %v\n got %s\nwant %s", err, def, in)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			g := p.Graph()
			if !slices.Contains(g.Edges, Edge{From: "A", To: "B", Kind: DependsOnEdge}) {
				t.Errorf("edges %v lack A -> B", g.Edges)
			}
			if order, err := g.Order(); err != nil || !slices.Equal(order, []string{"A", "B"}) {
				t.Errorf("order %v, %v; want [A B]", order, err)
			}
			b := p.Entities()[0].Steps()[0]
			if got := len(stepProtocol().Envelope(b).RetryPolicies); got != tt.retries {
				t.Errorf("%d retry policies, want %d", got, tt.retries)
			}
		})
	}

	bad := []struct {
		name, deps string
		want       error
	}{
		{"self", `["B"]`, ErrCycle},
		{"unknown", `["Nope"]`, ErrUnknownStep},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			in := head + `{"Name": "B", "Type": "Training", "Arguments": {}, "CacheConfig": {"Enabled": false}, "DependsOn": ` + tt.deps + `}]}`
			p, err := Parse([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Validate(); !errors.Is(err, tt.want) {
				t.Errorf("Validate = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestParseParameterForms parses what the definition schema allows in
// parameters and Metadata although the SDK never writes it: each is read
// and written back byte for byte. Parameters whose SDK members come in
// another order are refused with an error that says the order matters.
func TestParseParameterForms(t *testing.T) {
	doc := func(meta, prms string) string {
		return `{"Version": "2020-12-01", "Metadata": ` + meta + `, "Parameters": [` + prms +
			`], "PipelineExperimentConfig": null, "Steps": [{"Name": "A", "Type": "Fail", "Arguments": {"ErrorMessage": {"Get": "Parameters.P"}}}]}`
	}
	ok := []struct {
		name, meta, prms string
		check            func(t *testing.T, p *Pipeline)
	}{
		{"description first", `{}`, `{"Description": "the threshold", "Name": "P", "Type": "String", "DefaultValue": "x"}`, nil},
		{"description between", `{}`, `{"Name": "P", "Description": "d", "Type": "String", "DefaultValue": "x", "EnumValues": ["x", "y"]}`, nil},
		{"description last", `{}`, `{"Name": "P", "Type": "String", "Description": ""}`, nil},
		{"float default written as an integer", `{}`, `{"Name": "P", "Type": "Float", "DefaultValue": 1}`, func(t *testing.T, p *Pipeline) {
			if d, _ := p.Params()[0].Default(); d != 1.0 {
				t.Errorf("default %v (%T), want 1.0", d, d)
			}
		}},
		{"float default with a description", `{}`, `{"Name": "P", "Type": "Float", "DefaultValue": -3, "Description": "d"}`, nil},
		{"metadata", `{"team": "ml", "Owner_1": "x"}`, `{"Name": "P", "Type": "String"}`, nil},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			in := doc(tt.meta, tt.prms)
			p, err := Parse([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if def, err := p.Definition(); err != nil || string(def) != in {
				t.Fatalf("round trip: %v\n got %s\nwant %s", err, def, in)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
	bad := []struct{ name, meta, prms, want string }{
		{"type before name", `{}`, `{"Type": "String", "Name": "P"}`, "in that order"},
		{"enum before default", `{}`, `{"Name": "P", "Type": "String", "EnumValues": ["x"], "DefaultValue": "x"}`, "in that order"},
		{"unknown member", `{}`, `{"Name": "P", "Type": "String", "Other": 1}`, "in that order"},
		{"description not a string", `{}`, `{"Name": "P", "Type": "String", "Description": 1}`, "Description must be a string"},
		{"metadata not strings", `{"k": 1}`, `{"Name": "P", "Type": "String"}`, "Metadata"},
		{"integer default not an integer", `{}`, `{"Name": "P", "Type": "Integer", "DefaultValue": 1.0}`, "does not fit"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(doc(tt.meta, tt.prms)))
			if !errors.Is(err, ErrParse) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want ErrParse saying %q", err, tt.want)
			}
		})
	}
}
