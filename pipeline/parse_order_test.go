package pipeline

import (
	"errors"
	"slices"
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
