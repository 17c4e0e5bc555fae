package boost

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestWorkersRunEachTaskOnce runs sections of every size on a pool of 3
// workers, back to back and after the helpers have gone to sleep, with
// a second goroutine starting sections at the same time (they run on
// goroutines of their own): every task runs exactly once, on a worker
// below the section's limit, and close leaves no goroutine behind.
func TestWorkersRunEachTaskOnce(t *testing.T) {
	before := runtime.NumGoroutine()
	p := newWorkers(3)
	check := func(name string, threads, count int) {
		runs := make([]atomic.Int32, count)
		var bad atomic.Int32
		p.tasks(threads, count, func(w, task int) {
			if w < 0 || w >= min(threads, count) {
				bad.Store(int32(w) + 1)
			}
			runs[task].Add(1)
			if task%4 == 0 { // long enough for every worker to take some
				for start := time.Now(); time.Since(start) < 20*time.Microsecond; {
					runtime.Gosched()
				}
			}
		})
		if w := bad.Load(); w != 0 {
			t.Errorf("%s: worker %d ran a task of a section of %d threads", name, w-1, threads)
		}
		for i := range runs {
			if n := runs[i].Load(); n != 1 {
				t.Fatalf("%s: task %d ran %d times", name, i, n)
			}
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a second driver: its sections find the pool busy or free
		defer wg.Done()
		for i := range 200 {
			check(fmt.Sprintf("second driver %d", i), 3, 50)
		}
	}()
	for round := range 3 {
		for _, threads := range []int{1, 2, 3, 8} {
			for _, count := range []int{0, 1, 2, 3, 7, 100, 1000} {
				check(fmt.Sprintf("round %d threads %d count %d", round, threads, count), threads, count)
			}
		}
		time.Sleep(2 * workersSpin) // the helpers go to sleep
	}
	sum := make([]int64, 3)
	p.rangeN(3, 10007, 100, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			atomic.AddInt64(&sum[i%3], int64(i))
		}
	})
	if got := sum[0] + sum[1] + sum[2]; got != 10006*10007/2 {
		t.Errorf("rangeN covered a sum of %d", got)
	}
	wg.Wait()
	p.close()
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after close, %d before newWorkers", runtime.NumGoroutine(), before)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestWorkersNil checks that a nil pool (one thread) runs sections on
// the calling goroutine or on goroutines of their own.
func TestWorkersNil(t *testing.T) {
	var p *workers = newWorkers(1)
	if p != nil {
		t.Fatal("newWorkers(1) started helpers")
	}
	var n atomic.Int32
	p.tasks(2, 10, func(_, _ int) { n.Add(1) })
	p.rangeN(1, 10, 1, func(lo, hi int) { n.Add(int32(hi - lo)) })
	if n.Load() != 20 {
		t.Fatalf("%d tasks ran, want 20", n.Load())
	}
	p.close()
}
