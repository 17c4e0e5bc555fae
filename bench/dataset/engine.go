package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/dataset"
)

// result is what every engine prints as its last line: split sizes and
// phase times, so the runner can check and show them.
type result struct {
	Engine string             `json:"engine"`
	Count  int64              `json:"count"`
	Splits []int64            `json:"splits"`
	Phases map[string]float64 `json:"phases"`
}

// runGo runs the seed's preprocessing with this module's dataset package:
// read the offline store (parquet, Hive partitions), drop the bookkeeping
// columns, count, shuffle with seed 42, split 0.6/0.2/0.2, fit a
// StandardScaler on train for every column but PRICE, apply it to all
// three splits and write them as CSV.
func runGo(ctx context.Context, dir, out string, budget int64) (err error) {
	if p := os.Getenv("BENCH_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	sys, err := actor.NewSystem(actor.Config{})
	if err != nil {
		return err
	}
	defer func() {
		if serr := sys.Shutdown(ctx); serr != nil {
			err = errors.Join(err, fmt.Errorf("shutdown: %w", serr))
		}
	}()
	res := result{Engine: "go", Phases: map[string]float64{}}
	t0 := time.Now()
	lap := func(name string) {
		res.Phases[name] = time.Since(t0).Seconds()
		t0 = time.Now()
	}
	ds, err := dataset.ReadParquet(ctx, sys, []string{filepath.Join(dir, "parquet")}, dataset.ParquetOptions{},
		dataset.Options{MemoryBudget: budget})
	if err != nil {
		return err
	}
	ds = ds.DropColumns(bookkeeping...)
	if res.Count, err = ds.Count(ctx); err != nil {
		return err
	}
	shuffled := ds.RandomShuffle(42)
	splits, err := shuffled.SplitProportionately(ctx, []float64{0.6, 0.2})
	if err != nil {
		return err
	}
	lap("read+shuffle+split")
	for _, s := range splits {
		n, err := s.Count(ctx)
		if err != nil {
			return err
		}
		res.Splits = append(res.Splits, n)
	}
	cols, err := splits[0].Columns(ctx)
	if err != nil {
		return err
	}
	cols = slices.DeleteFunc(cols, func(c string) bool { return c == "PRICE" })
	scaler := dataset.NewStandardScaler(cols...)
	if err := scaler.Fit(ctx, splits[0]); err != nil {
		return err
	}
	lap("fit")
	for i, name := range []string{"train", "validation", "test"} {
		if _, err := scaler.Transform(splits[i]).WriteCSV(ctx, filepath.Join(out, name), dataset.WriteOptions{}); err != nil {
			return err
		}
	}
	lap("scale+write")
	if os.Getenv("BENCH_STATS") != "" {
		fmt.Fprintln(os.Stderr, shuffled.Stats())
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}
