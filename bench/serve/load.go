package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sagepipe/sagepipe/boost"
	"github.com/sagepipe/sagepipe/pipeline/local"
)

// features is the width of the served model's rows: the seed's eight
// housing features.
const features = 8

// server is a registered, approved boost model served on a loopback port.
type server struct {
	url  string
	stop func() error
}

// startServer trains a model of the seed's shape (8 features, rounds
// trees of depth 6) on seeded synthetic data, registers it in a registry
// under root, approves it and serves it on 127.0.0.1.
func startServer(ctx context.Context, root string, rounds int, contributions bool) (*server, error) {
	r := rand.New(rand.NewPCG(42, 1))
	const n = 4000
	cols := make([][]float64, features)
	for j := range cols {
		cols[j] = make([]float64, n)
		for i := range cols[j] {
			cols[j][i] = r.NormFloat64()
		}
	}
	label := make([]float64, n)
	for i := range label {
		label[i] = 200000 + 40000*cols[0][i] - 15000*cols[1][i] + 9000*cols[2][i]*cols[3][i] + 5000*r.NormFloat64()
	}
	d, err := boost.NewDMatrix(cols, label)
	if err != nil {
		return nil, err
	}
	cfg, err := boost.NewConfig(map[string]any{"objective": "reg:squarederror", "max_depth": 6, "eta": 0.1,
		"num_boost_round": rounds, "seed": 47})
	if err != nil {
		return nil, err
	}
	res, err := boost.Train(ctx, cfg, d, boost.TrainOptions{})
	if err != nil {
		return nil, err
	}
	doc, err := res.Model.Encode(boost.FormatJSON)
	if err != nil {
		return nil, err
	}
	tgz := filepath.Join(root, "model.tar.gz")
	if err := writeTarGz(tgz, "xgboost-model", doc); err != nil {
		return nil, err
	}
	const uri = "s3://bench/models/train/output/model.tar.gz"
	if err := local.Stage(root, tgz, uri); err != nil {
		return nil, err
	}
	reg := local.OpenRegistry(root)
	p, err := reg.Register(ctx, local.ModelPackage{GroupName: "bench", ApprovalStatus: local.Approved,
		InferenceSpecification: local.InferenceSpecification{Containers: []local.Container{{Image: "sagemaker-xgboost:1.7-1", ModelDataURL: uri}}}})
	if err != nil {
		return nil, err
	}
	s, err := local.NewServer(ctx, reg, p, local.ServeOptions{Contributions: contributions})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Serve(sctx, ln) }()
	return &server{url: "http://" + ln.Addr().String() + "/invocations", stop: func() error {
		cancel()
		return <-done
	}}, nil
}

func writeTarGz(path, name string, content []byte) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(content); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// csvBody returns rows random rows as a text/csv request body.
func csvBody(rows int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	var b []byte
	for range rows {
		for j := range features {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendFloat(b, float64(float32(r.NormFloat64())), 'g', -1, 32)
		}
		b = append(b, '\n')
	}
	return b
}

// load is one load test: requests of rows rows from clients concurrent
// clients, until maxRequests have been sent or duration has passed.
type load struct {
	rows, clients int
	maxRequests   int
	duration      time.Duration
}

// result is what a load test measured.
type result struct {
	load
	requests   int
	elapsed    time.Duration
	p50, p99   time.Duration
	reqPerSec  float64
	rowsPerSec float64
}

// run sends the requests and measures each one's latency. Any answer
// other than 200 with one line per row fails the test.
func (l load) run(ctx context.Context, url string) (result, error) {
	body := csvBody(l.rows, uint64(l.rows))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: l.clients, DisableCompression: true}}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, l.duration)
	defer cancel()
	var sent atomic.Int64
	lat := make([][]time.Duration, l.clients)
	errs := make([]error, l.clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range l.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && sent.Add(1) <= int64(l.maxRequests) {
				t0 := time.Now()
				err := post(ctx, client, url, body, l.rows)
				if ctx.Err() != nil {
					return // cut off by the time bound: not counted
				}
				if err != nil {
					errs[c] = err
					cancel()
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return result{}, err
	}
	all := slices.Concat(lat...)
	if len(all) == 0 {
		return result{}, fmt.Errorf("no request finished within %v", l.duration)
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	return result{load: l, requests: len(all), elapsed: elapsed, p50: pct(0.50), p99: pct(0.99),
		reqPerSec: float64(len(all)) / elapsed.Seconds(), rowsPerSec: float64(len(all)*l.rows) / elapsed.Seconds()}, nil
}

func post(ctx context.Context, client *http.Client, url string, body []byte, rows int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Accept", "text/csv")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, out)
	}
	if n := strings.Count(string(out), "\n"); n != rows {
		return fmt.Errorf("%d answer lines for %d rows", n, rows)
	}
	return nil
}
