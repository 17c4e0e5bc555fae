package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"time"
)

// DefaultMaxBody is the default bound on an inference request's body:
// 6 MiB, SageMaker's limit for a real-time invocation.
const DefaultMaxBody = 6 << 20

// ServeOptions configure a model server.
type ServeOptions struct {
	// Load loads the package's model; nil means LoadBoost.
	Load LoadFunc
	// MaxBodyBytes bounds a request's body; a larger one is answered 413.
	// Zero means DefaultMaxBody.
	MaxBodyBytes int64
	// Contributions adds each row's SHAP contributions to the answer
	// after its prediction, as the seed's inference script does: the
	// predictor must be an Explainer (LoadBoost's is).
	Contributions bool
	// DefaultAccept is the response type of a request with no Accept
	// header (or */*), as the container's
	// SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT; empty means text/csv.
	DefaultAccept string
	// AllowUnapproved serves a package whose status is not Approved;
	// otherwise, as SageMaker deploys only approved packages, NewServer
	// refuses it with ErrNotApproved.
	AllowUnapproved bool
	// Logger gets the server's start and stop and each failed request;
	// nil discards them.
	Logger *slog.Logger
	// ShutdownTimeout bounds how long Serve waits for requests in flight
	// once its context is done; zero means 10 seconds.
	ShutdownTimeout time.Duration
}

// Server answers inference requests for one model package with the
// protocol of SageMaker's XGBoost container:
//
//   - GET /ping answers 200 once the model is loaded;
//   - GET /execution-parameters answers the batch transform settings
//     ({"MaxConcurrentTransforms", "BatchStrategy", "MaxPayloadInMB"});
//   - POST /invocations takes rows as text/csv (one row per line, no
//     header, an empty field missing) or application/json (a list of
//     rows, one row, {"instances": rows} or {"instances": [{"features":
//     row}, ...]}), and answers their predictions as text/csv (one row
//     per line) or application/json ({"predictions": [{"score": v}, ...]})
//     as the Accept header asks.
//
// A malformed row is answered 400 with a message naming it, an empty
// body 204, an unsupported Content-Type 415, an unsupported Accept 406,
// a body over the bound 413. A Server is an http.Handler and is safe for
// concurrent use.
type Server struct {
	pkg      *ModelPackage
	pred     Predictor
	expl     Explainer
	maxBody  int64
	accept   string
	log      *slog.Logger
	shutdown time.Duration
}

// NewServer loads the model of a registered package (its first
// container's ModelDataUrl, read from reg's artifact store) and returns
// its server.
func NewServer(ctx context.Context, reg *Registry, pkg *ModelPackage, opts ServeOptions) (*Server, error) {
	if pkg == nil {
		return nil, fmt.Errorf("%w: no package given", ErrNoModelPackage)
	}
	if pkg.ApprovalStatus != Approved && !opts.AllowUnapproved {
		return nil, fmt.Errorf("%w: %s is %s", ErrNotApproved, pkg.Arn, pkg.ApprovalStatus)
	}
	cs := pkg.InferenceSpecification.Containers
	if len(cs) != 1 {
		return nil, fmt.Errorf("local: serve %s: %d containers (serial inference pipelines are not served locally)", pkg.Arn, len(cs))
	}
	s := &Server{pkg: pkg, maxBody: opts.MaxBodyBytes, log: opts.Logger, shutdown: opts.ShutdownTimeout}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.shutdown <= 0 {
		s.shutdown = 10 * time.Second
	}
	var err error
	if s.accept, err = mediaType(opts.DefaultAccept, ContentCSV); err != nil {
		return nil, fmt.Errorf("local: serve: DefaultAccept: %w", err)
	}
	load := opts.Load
	if load == nil {
		load = LoadBoost
	}
	if s.pred, err = loadModel(ctx, store{root: reg.root}, cs[0], load); err != nil {
		return nil, fmt.Errorf("local: serve %s: %w", pkg.Arn, err)
	}
	if opts.Contributions {
		e, ok := s.pred.(Explainer)
		if !ok {
			return nil, fmt.Errorf("local: serve %s: contributions asked for, but the %T predictor is not an Explainer", pkg.Arn, s.pred)
		}
		s.expl = e
	}
	return s, nil
}

// Package returns the package the server serves.
func (s *Server) Package() *ModelPackage { return s.pkg }

// Serve answers requests on ln until ctx is done, then shuts down
// gracefully: it stops accepting, lets requests in flight finish (for at
// most ServeOptions.ShutdownTimeout) and returns nil. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	base := context.WithoutCancel(ctx)
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "package", s.pkg.Arn, "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("local: serve %s: %w", s.pkg.Arn, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.shutdown)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		hs.Close()
	}
	<-errc // http.ErrServerClosed
	s.log.Info("stopped", "package", s.pkg.Arn)
	if err != nil {
		return fmt.Errorf("local: serve %s: shutdown: %w", s.pkg.Arn, err)
	}
	return nil
}

// Serve loads pkg's model and answers inference requests for it on ln
// until ctx is done (NewServer, then Server.Serve).
func Serve(ctx context.Context, ln net.Listener, reg *Registry, pkg *ModelPackage, opts ServeOptions) error {
	s, err := NewServer(ctx, reg, pkg, opts)
	if err != nil {
		ln.Close()
		return err
	}
	return s.Serve(ctx, ln)
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/ping":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.fail(w, r, http.StatusMethodNotAllowed, "use GET", "GET, HEAD")
			return
		}
		w.WriteHeader(http.StatusOK)
	case "/execution-parameters":
		if r.Method != http.MethodGet {
			s.fail(w, r, http.StatusMethodNotAllowed, "use GET", "GET")
			return
		}
		w.Header().Set("Content-Type", ContentJSON)
		fmt.Fprintf(w, `{"MaxConcurrentTransforms": %d, "BatchStrategy": "MULTI_RECORD", "MaxPayloadInMB": %d}`+"\n",
			runtime.GOMAXPROCS(0), max(1, s.maxBody>>20))
	case "/invocations":
		if r.Method != http.MethodPost {
			s.fail(w, r, http.StatusMethodNotAllowed, "use POST", "POST")
			return
		}
		s.invoke(w, r)
	default:
		s.fail(w, r, http.StatusNotFound, "no such path: use /ping or /invocations", "")
	}
}

func (s *Server) invoke(w http.ResponseWriter, r *http.Request) {
	ct, err := mediaType(r.Header.Get("Content-Type"), ContentCSV)
	if err != nil {
		s.fail(w, r, http.StatusUnsupportedMediaType, err.Error(), "")
		return
	}
	accept, err := mediaType(r.Header.Get("Accept"), s.accept)
	if err != nil {
		s.fail(w, r, http.StatusNotAcceptable, err.Error(), "")
		return
	}
	tooBig := fmt.Sprintf("request body exceeds %d bytes", s.maxBody)
	if r.ContentLength > s.maxBody {
		s.fail(w, r, http.StatusRequestEntityTooLarge, tooBig, "")
		return
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, s.maxBody), r.ContentLength)
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		s.fail(w, r, http.StatusRequestEntityTooLarge, tooBig, "")
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "reading the body: "+err.Error(), "")
		return
	}
	b, err := parseRecords(body, ct)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error(), "")
		return
	}
	if b.Rows == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	ctx := r.Context()
	p, err := s.pred.Predict(ctx, b)
	if err == nil && (p.Rows != b.Rows || p.Width <= 0 || len(p.Values) != p.Rows*p.Width) {
		err = fmt.Errorf("the predictor returned %d rows of width %d for %d rows", p.Rows, p.Width, b.Rows)
	}
	var contribs *Predictions
	if err == nil && s.expl != nil {
		var c Predictions
		c, err = s.expl.Contributions(ctx, b)
		if err == nil && (c.Rows != b.Rows || len(c.Values) != c.Rows*c.Width) {
			err = fmt.Errorf("the explainer returned %d rows for %d rows", c.Rows, b.Rows)
		}
		contribs = &c
	}
	switch {
	case errors.Is(err, ErrBadInput):
		s.fail(w, r, http.StatusBadRequest, err.Error(), "")
		return
	case err != nil && ctx.Err() != nil:
		s.fail(w, r, http.StatusServiceUnavailable, "request cancelled: "+err.Error(), "")
		return
	case err != nil:
		s.fail(w, r, http.StatusInternalServerError, "prediction failed: "+err.Error(), "")
		return
	}
	var out []byte
	if accept == ContentJSON {
		out = formatJSON(make([]byte, 0, 24*b.Rows), p, contribs)
	} else {
		out = formatCSV(make([]byte, 0, 12*b.Rows), p, contribs)
	}
	w.Header().Set("Content-Type", accept)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.Write(out)
}

// fail answers an error status with a one-line message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg, allow string) {
	if allow != "" {
		w.Header().Set("Allow", allow)
	}
	s.log.Warn("request failed", "method", r.Method, "path", r.URL.Path, "status", code, "error", msg)
	http.Error(w, msg, code)
}

// readBody reads a request body, in one allocation when its length is
// known.
func readBody(r io.Reader, n int64) ([]byte, error) {
	if n <= 0 {
		return io.ReadAll(r)
	}
	buf := make([]byte, n+1) // one more, to see a body longer than declared
	k, err := io.ReadFull(r, buf)
	switch {
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		return buf[:k], nil
	case err != nil:
		return nil, err
	}
	rest, err := io.ReadAll(r)
	return append(buf, rest...), err
}
