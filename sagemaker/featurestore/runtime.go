package featurestore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// APIError is an error answer of the runtime API. It carries the
// service's code and message whole, and the HTTP status, which the SDK's
// retryer reads to retry throttling and server faults.
type APIError struct {
	Status  int
	Code    string
	Message string
}

// Error returns "<code> (HTTP <status>): <message>".
func (e *APIError) Error() string {
	return fmt.Sprintf("api error %s (HTTP %d): %s", e.Code, e.Status, e.Message)
}

// ErrorCode returns the service's error code.
func (e *APIError) ErrorCode() string { return e.Code }

// ErrorMessage returns the service's message.
func (e *APIError) ErrorMessage() string { return e.Message }

// HTTPStatusCode returns the answer's status.
func (e *APIError) HTTPStatusCode() int { return e.Status }

// valueAsString is one feature of a runtime record.
type valueAsString struct {
	FeatureName   string `json:"FeatureName"`
	ValueAsString string `json:"ValueAsString"`
}

// Put writes rec to the group g (PutRecord): online if its event time is
// the identifier's latest, and to the offline store. rec is checked
// against g's features before the call.
func (r *Remote) Put(ctx context.Context, g Group, rec Record) error {
	var body struct {
		Record []valueAsString `json:"Record"`
	}
	for _, f := range g.Features {
		v, ok := rec[f.Name]
		if !ok || v == nil {
			continue
		}
		cv, err := convertValue(v, f.Type)
		if err != nil {
			return fmt.Errorf("%w: group %s: feature %q: %w", ErrMalformed, g.Name, f.Name, err)
		}
		body.Record = append(body.Record, valueAsString{f.Name, format(cv)})
	}
	for name := range rec {
		if _, ok := g.typeOf(name); !ok {
			return fmt.Errorf("%w: group %s: %q is not a feature", ErrMalformed, g.Name, name)
		}
	}
	for _, need := range []string{g.RecordIdentifier, g.EventTime} {
		if rec[need] == nil {
			return fmt.Errorf("%w: group %s: the record has no %q", ErrMalformed, g.Name, need)
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	_, err = r.call(ctx, "PutRecord", g.Name, http.MethodPut, nil, b)
	return err
}

// Get returns the identifier's record from the group's online store
// (GetRecord), typed by g's features, or an error matching ErrNotFound.
func (r *Remote) Get(ctx context.Context, g Group, id string) (Record, error) {
	out, err := r.call(ctx, "GetRecord", g.Name, http.MethodGet, url.Values{"RecordIdentifierValueAsString": {id}}, nil)
	if err != nil {
		return nil, err
	}
	var body struct {
		Record []valueAsString `json:"Record"`
	}
	if err := json.Unmarshal(out, &body); err != nil {
		return nil, opErr("GetRecord", g.Name, fmt.Errorf("answer: %w", err))
	}
	if len(body.Record) == 0 {
		return nil, opErr("GetRecord", g.Name, fmt.Errorf("%w: record %q", ErrNotFound, id))
	}
	rec := Record{}
	for _, f := range body.Record {
		t, ok := g.typeOf(f.FeatureName)
		if !ok {
			t = String
		}
		v, err := convertValue(f.ValueAsString, t)
		if err != nil {
			return nil, opErr("GetRecord", g.Name, fmt.Errorf("feature %q: %w", f.FeatureName, err))
		}
		rec[f.FeatureName] = v
	}
	return rec, nil
}

// DeleteRecord deletes the identifier's record as of eventTime
// (DeleteRecord).
func (r *Remote) DeleteRecord(ctx context.Context, g Group, id string, eventTime time.Time) error {
	et := format(float64(eventTime.UnixNano()) / 1e9)
	if t, _ := g.typeOf(g.EventTime); t == String {
		et = eventTime.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	_, err := r.call(ctx, "DeleteRecord", g.Name, http.MethodDelete,
		url.Values{"RecordIdentifierValueAsString": {id}, "EventTime": {et}}, nil)
	return err
}

// call sends one runtime request, signed with SigV4, retrying as the
// retryer allows, and returns the answer's body.
func (r *Remote) call(ctx context.Context, op, group, method string, query url.Values, body []byte) ([]byte, error) {
	u := r.runtime + "/FeatureGroup/" + url.PathEscape(group)
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	for attempt := 1; ; attempt++ {
		out, err := r.once(ctx, method, u, body)
		if err == nil {
			return out, nil
		}
		if ctx.Err() != nil || attempt >= r.retryer.MaxAttempts() || !r.retryer.IsErrorRetryable(err) {
			return nil, opErr(op, group, err)
		}
		delay, derr := r.retryer.RetryDelay(attempt, err)
		if derr != nil {
			return nil, opErr(op, group, err)
		}
		r.log.DebugContext(ctx, "retrying", "op", op, "group", group, "attempt", attempt, "delay", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, opErr(op, group, ctx.Err())
		case <-t.C:
		}
	}
}

func (r *Remote) once(ctx context.Context, method, u string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	creds, err := r.creds.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sagemaker", r.region, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		e := &APIError{Status: resp.StatusCode, Code: resp.Header.Get("X-Amzn-Errortype")}
		var m struct {
			Message  string `json:"message"`
			Message2 string `json:"Message"`
		}
		if json.Unmarshal(out, &m) == nil {
			e.Message = m.Message + m.Message2
		}
		if i := bytes.IndexByte([]byte(e.Code), ':'); i >= 0 {
			e.Code = e.Code[:i]
		}
		if e.Code == "" {
			e.Code = http.StatusText(resp.StatusCode)
		}
		return nil, e
	}
	return out, nil
}
