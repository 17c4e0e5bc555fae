package main

import (
	"context"
	"testing"
	"time"
)

// TestLoadSmall runs both request sizes with tight bounds: every request
// must be answered 200 with one line per row, and the figures must be
// filled in.
func TestLoadSmall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, err := startServer(ctx, t.TempDir(), 10, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []load{
		{rows: 1, clients: 2, maxRequests: 50, duration: 10 * time.Second},
		{rows: 1000, clients: 2, maxRequests: 4, duration: 10 * time.Second},
	} {
		r, err := l.run(ctx, srv.url)
		if err != nil {
			t.Fatalf("%d rows: %v", l.rows, err)
		}
		if r.requests != l.maxRequests || r.reqPerSec <= 0 || r.p50 <= 0 || r.p99 < r.p50 {
			t.Errorf("%d rows: %+v", l.rows, r)
		}
	}
	if err := srv.stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}
