package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

// registered registers the housing model in a registry under a fresh
// root and returns the registry and the package.
func registered(t *testing.T, hm *housingModel, status local.ApprovalStatus) (*local.Registry, *local.ModelPackage) {
	t.Helper()
	root := t.TempDir()
	const uri = "s3://bucket/models/job/output/model.tar.gz"
	if err := local.Stage(root, hm.tarGz, uri); err != nil {
		t.Fatal(err)
	}
	reg := local.OpenRegistry(root)
	p, err := reg.Register(ctxT(t), local.ModelPackage{GroupName: "housing", ApprovalStatus: status,
		InferenceSpecification: local.InferenceSpecification{Containers: []local.Container{{Image: xgbImage, ModelDataURL: uri}}}})
	if err != nil {
		t.Fatal(err)
	}
	return reg, p
}

// serve starts a server on a loopback port and returns its base URL; the
// server is stopped, and Serve's result checked, at the end of the test.
func serve(t *testing.T, reg *local.Registry, p *local.ModelPackage, opts local.ServeOptions) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- local.Serve(ctx, ln, reg, p, opts) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Serve did not return after its context was cancelled")
		}
	})
	return "http://" + ln.Addr().String()
}

// post sends body and returns the status and the answer.
func post(t *testing.T, url, contentType, accept string, body io.Reader) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, url+"/invocations", body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestServeRequiresApproval(t *testing.T) {
	hm := newHousingModel(t)
	reg, p := registered(t, hm, "")
	if _, err := local.NewServer(ctxT(t), reg, p, local.ServeOptions{}); !errors.Is(err, local.ErrNotApproved) {
		t.Fatalf("serving a pending package: %v", err)
	}
	p, err := reg.Approve(ctxT(t), p.GroupName, p.Version, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := local.NewServer(ctxT(t), reg, p, local.ServeOptions{}); err != nil {
		t.Fatalf("serving an approved package: %v", err)
	}
}

func TestServeProtocol(t *testing.T) {
	hm := newHousingModel(t)
	reg, p := registered(t, hm, local.Approved)
	url := serve(t, reg, p, local.ServeOptions{MaxBodyBytes: 4096})
	want := hm.predict(t, hm.rows)

	resp, err := http.Get(url + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("ping: %s", resp.Status)
	}

	// CSV in, CSV out (the default Accept).
	code, body := post(t, url, "text/csv", "", strings.NewReader(csvRows(hm.rows)))
	if code != http.StatusOK {
		t.Fatalf("csv: %d %s", code, body)
	}
	if diff := cmp.Diff(want, parseLines(t, body)); diff != "" {
		t.Errorf("csv predictions (-want +got):\n%s", diff)
	}

	// JSON in, JSON out, in each accepted shape.
	rows, _ := json.Marshal(hm.rows)
	one, _ := json.Marshal(hm.rows[0])
	for _, tc := range []struct {
		name, body string
		want       []float32
	}{
		{"rows", string(rows), want},
		{"instances", `{"instances": ` + string(rows) + `}`, want},
		{"features", `{"instances": [{"features": ` + string(one) + `}]}`, want[:1]},
		{"one row", string(one), want[:1]},
	} {
		code, body := post(t, url, "application/json", "application/json", strings.NewReader(tc.body))
		if code != http.StatusOK {
			t.Fatalf("json %s: %d %s", tc.name, code, body)
		}
		if diff := cmp.Diff(tc.want, parseScores(t, body)); diff != "" {
			t.Errorf("json %s (-want +got):\n%s", tc.name, diff)
		}
	}

	// Errors, each with a message.
	big := strings.Repeat("1,2,3,4\n", 1000)
	for _, tc := range []struct {
		name, contentType, accept string
		body                      io.Reader
		code                      int
		msg                       string
	}{
		{"malformed csv", "text/csv", "", strings.NewReader("1,2,3,4\n5,6,7,8\n1,2,oops,4\n"), 400, "row 3: "},
		{"ragged csv", "text/csv", "", strings.NewReader("1,2,3,4\n5,6,7\n"), 400, "row 2: 3 values"},
		{"wrong width", "text/csv", "", strings.NewReader("1,2,3\n"), 400, "the model takes 4 features"},
		{"bad json", "application/json", "", strings.NewReader(`{"instances": [[1,2,3,4],[1,"a",3,4]]}`), 400, "row 2"},
		{"oversize", "text/csv", "", strings.NewReader(big), 413, "exceeds 4096 bytes"},
		{"oversize, unsized", "text/csv", "", io.MultiReader(strings.NewReader(big)), 413, "exceeds 4096 bytes"},
		{"libsvm", "text/libsvm", "", strings.NewReader("1:1\n"), 415, "text/libsvm"},
		{"accept", "text/csv", "image/png", strings.NewReader("1,2,3,4\n"), 406, "image/png"},
		{"empty", "text/csv", "", strings.NewReader(""), 204, ""},
	} {
		code, body := post(t, url, tc.contentType, tc.accept, tc.body)
		if code != tc.code || !strings.Contains(body, tc.msg) {
			t.Errorf("%s: %d %q, want %d with %q", tc.name, code, body, tc.code, tc.msg)
		}
	}
	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{http.MethodGet, "/invocations", 405},
		{http.MethodGet, "/nope", 404},
		{http.MethodGet, "/execution-parameters", 200},
	} {
		req, _ := http.NewRequest(tc.method, url+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("%s %s: %s, want %d", tc.method, tc.path, resp.Status, tc.code)
		}
	}
}

func TestServeContributions(t *testing.T) {
	hm := newHousingModel(t)
	reg, p := registered(t, hm, local.Approved)
	url := serve(t, reg, p, local.ServeOptions{Contributions: true})
	want := hm.predict(t, hm.rows[:3])

	code, body := post(t, url, "text/csv", "text/csv", strings.NewReader(csvRows(hm.rows[:3])))
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines: %q", len(lines), body)
	}
	for i, l := range lines {
		var vals []float64
		if err := json.Unmarshal([]byte("["+l+"]"), &vals); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		// prediction, 4 feature contributions, bias; the contributions
		// sum to the margin, which for squared error is the prediction.
		if len(vals) != 6 || float32(vals[0]) != want[i] {
			t.Fatalf("line %d: %v, want prediction %v and 5 contributions", i, vals, want[i])
		}
		sum := 0.0
		for _, v := range vals[1:] {
			sum += v
		}
		if math.Abs(sum-vals[0]) > 1e-3*math.Max(1, math.Abs(vals[0])) {
			t.Errorf("line %d: contributions sum to %v, prediction %v", i, sum, vals[0])
		}
	}

	code, body = post(t, url, "text/csv", "application/json", strings.NewReader(csvRows(hm.rows[:1])))
	var doc struct {
		Predictions []struct {
			Score         float32
			Contributions []float32
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); code != 200 || err != nil || len(doc.Predictions) != 1 {
		t.Fatalf("%d %q: %v", code, body, err)
	}
	if got := doc.Predictions[0]; got.Score != want[0] || len(got.Contributions) != 5 {
		t.Errorf("json prediction %+v", got)
	}
}

// gatePredictor blocks every prediction until its gate is closed.
type gatePredictor struct {
	started chan struct{}
	gate    chan struct{}
}

func (g gatePredictor) Predict(ctx context.Context, b local.Batch) (local.Predictions, error) {
	g.started <- struct{}{}
	<-g.gate
	return sumPredictor{}.Predict(ctx, b)
}

func TestServeGracefulShutdown(t *testing.T) {
	reg, p := registered(t, newHousingModel(t), local.Approved)
	g := gatePredictor{started: make(chan struct{}, 1), gate: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	load := func(context.Context, local.Container, string) (local.Predictor, error) { return g, nil }
	go func() { done <- local.Serve(ctx, ln, reg, p, local.ServeOptions{Load: load}) }()
	url := "http://" + ln.Addr().String()

	type answer struct {
		code int
		body string
	}
	got := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, url+"/invocations", strings.NewReader("1,2\n3,4\n"))
		req.Header.Set("Content-Type", "text/csv")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- answer{body: err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- answer{resp.StatusCode, string(b)}
	}()
	select {
	case <-g.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the predictor")
	}
	cancel() // shut down while the request is in flight
	select {
	case err := <-done:
		t.Fatalf("Serve returned (%v) before the request in flight finished", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(g.gate)
	select {
	case a := <-got:
		if a.code != 200 || a.body != "3\n7\n" {
			t.Errorf("request in flight: %d %q", a.code, a.body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request in flight got no answer")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("the listener still accepts after Serve returned")
	}
}

// LoadBoost reads UBJSON models too, and several model files make an
// ensemble answering their mean.
func TestServeUBJSONAndEnsemble(t *testing.T) {
	hm := newHousingModel(t)
	ubj, err := hm.model.Encode(boost.FormatUBJSON)
	if err != nil {
		t.Fatal(err)
	}
	js, err := hm.model.Encode(boost.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	want := hm.predict(t, hm.rows)
	for _, files := range []map[string]string{
		{"model.ubj": string(ubj)},
		{"a": string(js), "b": string(ubj), ".hidden": "not a model"},
	} {
		writeTarGz(t, hm.tarGz, files)
		reg, p := registered(t, hm, local.Approved)
		url := serve(t, reg, p, local.ServeOptions{})
		code, body := post(t, url, "text/csv", "", strings.NewReader(csvRows(hm.rows)))
		if code != 200 {
			t.Fatalf("%v: %d %s", len(files), code, body)
		}
		if diff := cmp.Diff(want, parseLines(t, body)); diff != "" {
			t.Errorf("%d files: predictions (-want +got):\n%s", len(files), diff)
		}
	}
}
