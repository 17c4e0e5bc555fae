// Package smfake is a SageMaker test server: it speaks the awsJson1.1
// protocol as the AWS SDK sends it (POST /, X-Amz-Target:
// SageMaker.<Operation>) and the feature store runtime's REST protocol
// (whose put records FlushOffline writes to the offline store in S3),
// verifies each request's SigV4 signature against the static test
// credentials, checks required fields, and serves pipeline executions
// whose progress a test scripts frame by frame. Requests it does not own
// go to a fallback handler (an S3 fake). It is a fixture for tests, not a
// model of the service: it serves loopback clients only.
package smfake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The static credentials and place the server accepts.
const (
	AccessKey = "AKIDTESTTESTTESTTEST"
	SecretKey = "secret/test/key/not/real"
	Region    = "us-east-1"
	Account   = "111122223333"
)

// Credentials returns the static credentials the server accepts.
func Credentials() aws.Credentials {
	return aws.Credentials{AccessKeyID: AccessKey, SecretAccessKey: SecretKey, Source: "smfake"}
}

// Step is one step's state in a Frame.
type Step struct {
	Name   string
	Status string // Starting, Executing, Stopping, Stopped, Failed, Succeeded
	// Attempts is the AttemptCount (0: not reported).
	Attempts      int
	FailureReason string
	// CachedFrom makes the step a cache hit of that execution ARN.
	CachedFrom string
	// Kind names the metadata reported: "Processing", "Training",
	// "Condition", "Fail", ... (empty: none).
	Kind string
	// Outcome is a condition step's outcome ("True"/"False").
	Outcome string
}

// Frame is what DescribePipelineExecution and ListPipelineExecutionSteps
// answer at one point of an execution. Each DescribePipelineExecution
// call moves an execution to its script's next frame; the last frame
// stays.
type Frame struct {
	Status        string // Executing, Succeeded, Failed, Stopped
	FailureReason string
	Steps         []Step
}

// Server is the fixture. Create it with New; it is safe for concurrent use.
type Server struct {
	*httptest.Server
	fallback http.Handler

	mu         sync.Mutex
	now        func() time.Time
	pageSize   int
	pipelines  map[string]*pipelineState
	execs      map[string]*execState
	execOrder  []string
	scripts    map[string][]Frame
	retries    map[string][]Frame
	throttle   map[string]int
	calls      []string
	problems   []string
	groups     map[string]*groupState
	records    map[string]map[string][]record
	nextExecID int
	// offlineFiles numbers the files FlushOffline writes.
	offlineFiles int
}

// New starts a server on 127.0.0.1 that hands requests it does not own to
// fallback (nil: 404).
func New(fallback http.Handler) *Server {
	s := &Server{
		fallback:  fallback,
		now:       time.Now,
		pageSize:  100,
		pipelines: map[string]*pipelineState{},
		execs:     map[string]*execState{},
		scripts:   map[string][]Frame{},
		retries:   map[string][]Frame{},
		throttle:  map[string]int{},
		groups:    map[string]*groupState{},
		records:   map[string]map[string][]record{},
	}
	s.Server = httptest.NewServer(s)
	return s
}

// SetPageSize caps every list answer at n items (to exercise pagination).
func (s *Server) SetPageSize(n int) { s.mu.Lock(); s.pageSize = n; s.mu.Unlock() }

// Script sets the frames executions of the named pipeline go through.
func (s *Server) Script(pipeline string, frames ...Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[pipeline] = slices.Clone(frames)
}

// RetryScript sets the frames an execution of the named pipeline goes
// through after RetryPipelineExecution.
func (s *Server) RetryScript(pipeline string, frames ...Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retries[pipeline] = slices.Clone(frames)
}

// Throttle answers the next n calls of op with a ThrottlingException.
func (s *Server) Throttle(op string, n int) { s.mu.Lock(); s.throttle[op] = n; s.mu.Unlock() }

// Calls returns the operations called so far, in order ("PutRecord" etc.
// for the runtime), throttled ones included.
func (s *Server) Calls() []string { s.mu.Lock(); defer s.mu.Unlock(); return slices.Clone(s.calls) }

// Count returns how many times op was called.
func (s *Server) Count(op string) int {
	n := 0
	for _, c := range s.Calls() {
		if c == op {
			n++
		}
	}
	return n
}

// Problems returns every request check that failed: a bad signature, a
// wrong content type, a missing field. A test should find none.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.problems)
}

// Definition returns the stored definition of the named pipeline.
func (s *Server) Definition(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pipelines[name]
	if !ok {
		return "", false
	}
	return p.definition, true
}

// apiError is an error answer.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func validation(format string, args ...any) *apiError {
	return &apiError{400, "ValidationException", fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *apiError {
	return &apiError{400, "ResourceNotFound", fmt.Sprintf(format, args...)}
}

func (s *Server) problem(format string, args ...any) *apiError {
	msg := fmt.Sprintf(format, args...)
	s.problems = append(s.problems, msg)
	return &apiError{400, "FixtureCheckFailed", msg}
}

// ServeHTTP dispatches a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	runtime := strings.HasPrefix(r.URL.Path, "/FeatureGroup/")
	if !strings.HasPrefix(target, "SageMaker.") && !runtime {
		if s.fallback == nil {
			http.NotFound(w, r)
			return
		}
		s.fallback.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	op := strings.TrimPrefix(target, "SageMaker.")
	if runtime {
		op = map[string]string{http.MethodPut: "PutRecord", http.MethodGet: "GetRecord", http.MethodDelete: "DeleteRecord"}[r.Method]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, op)
	if e := s.verify(r, body); e != nil {
		s.answer(w, runtime, nil, e)
		return
	}
	if n := s.throttle[op]; n > 0 {
		s.throttle[op] = n - 1
		s.answer(w, runtime, nil, &apiError{400, "ThrottlingException", "Rate exceeded"})
		return
	}
	if runtime {
		out, e := s.runtime(r, op, body)
		s.answer(w, true, out, e)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		s.answer(w, false, nil, s.problem("%s: Content-Type %q", op, ct))
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		s.answer(w, false, nil, s.problem("%s: %s %s", op, r.Method, r.URL.Path))
		return
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		s.answer(w, false, nil, s.problem("%s: body is not a JSON object: %v", op, err))
		return
	}
	h, ok := handlers[op]
	if !ok {
		s.answer(w, false, nil, &apiError{400, "UnknownOperationException", op})
		return
	}
	out, e := h(s, in)
	s.answer(w, false, out, e)
}

func (s *Server) answer(w http.ResponseWriter, rest bool, out any, e *apiError) {
	if e != nil {
		w.Header().Set("X-Amzn-Errortype", e.code)
		if rest {
			w.Header().Set("Content-Type", "application/json")
		} else {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		}
		w.WriteHeader(e.status)
		b, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.msg})
		w.Write(b)
		return
	}
	if rest {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	}
	if out == nil {
		out = map[string]any{}
	}
	b, _ := json.Marshal(out)
	w.Write(b)
}

// verify recomputes the request's SigV4 signature with the static
// credentials and compares it with the one sent.
func (s *Server) verify(r *http.Request, body []byte) *apiError {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return s.problem("request not signed with SigV4: %q", strings.SplitN(auth, " ", 2)[0])
	}
	var cred, signed string
	for _, f := range strings.Split(rest, ",") {
		f = strings.TrimSpace(f)
		if v, ok := strings.CutPrefix(f, "Credential="); ok {
			cred = v
		} else if v, ok := strings.CutPrefix(f, "SignedHeaders="); ok {
			signed = v
		}
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[0] != AccessKey || parts[2] != Region || parts[3] != "sagemaker" || parts[4] != "aws4_request" {
		return s.problem("credential scope %q (want %s/<date>/%s/sagemaker/aws4_request)", cred, AccessKey, Region)
	}
	t, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return s.problem("X-Amz-Date: %v", err)
	}
	req, err := http.NewRequestWithContext(context.Background(), r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
	if err != nil {
		return s.problem("rebuild request: %v", err)
	}
	req.Host = r.Host
	req.ContentLength = r.ContentLength
	for _, h := range strings.Split(signed, ";") {
		if h == "host" || h == "content-length" {
			continue
		}
		req.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
	}
	sum := sha256.Sum256(body)
	err = v4.NewSigner().SignHTTP(context.Background(), Credentials(), req, hex.EncodeToString(sum[:]), "sagemaker", Region, t)
	if err != nil {
		return s.problem("sign: %v", err)
	}
	if got := req.Header.Get("Authorization"); got != auth {
		return s.problem("signature mismatch for %s %s", r.Method, r.URL.Path)
	}
	return nil
}

// page cuts items into a page after the token, of at most max items (or
// the server's page size).
func page[T any](s *Server, items []T, in map[string]any) ([]T, string, *apiError) {
	start := 0
	if tok, ok := in["NextToken"].(string); ok && tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-"))
		if err != nil || n < 0 || n > len(items) {
			return nil, "", validation("invalid NextToken %q", tok)
		}
		start = n
	}
	size := s.pageSize
	if m, ok := in["MaxResults"].(float64); ok && int(m) < size && m > 0 {
		size = int(m)
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = "page-" + strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

func str(in map[string]any, k string) string { v, _ := in[k].(string); return v }

func epoch(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return float64(t.UnixMilli()) / 1000
}

func compact(m map[string]any) map[string]any {
	for k, v := range m {
		if v == nil || v == "" {
			delete(m, k)
		}
	}
	return m
}
