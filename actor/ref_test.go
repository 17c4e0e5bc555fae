package actor

import (
	"context"
	"testing"
	"unsafe"
)

type sized struct{}

func (sized) SizeBytes() int64 { return 42 }

func TestSizeOf(t *testing.T) {
	big := make([]float64, 1000)
	strs := []string{"abc", "de"}
	type row struct {
		A []byte
		B string
		_ int64 // a pointer-free field, counted in the struct's own size
	}
	p := &row{A: make([]byte, 10), B: "xyz"}
	tests := []struct {
		name string
		v    any
		want int64
	}{
		{"float slice", big, 24 + 8000},
		{"strings", strs, 24 + 2*16 + 5},
		{"shared backing counted once", [][]float64{big, big}, 24 + 2*24 + 8000},
		{"pointer to struct", p, 8 + int64(unsafe.Sizeof(row{})) + 10 + 3},
		{"map", map[int32]int32{1: 2, 3: 4}, 8 + 2*8},
		{"sizer", sized{}, 42},
		{"nil", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SizeOf(tt.v); got != tt.want {
				t.Fatalf("SizeOf = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPutPinnedBytes(t *testing.T) {
	sys := newSys(t, Config{CPUs: 2})
	data := make([]byte, 1<<20)
	data[7] = 9
	r := Put(sys, data)
	if got := sys.PinnedBytes(); got != 24+1<<20 {
		t.Fatalf("pinned = %d", got)
	}
	// Tasks share the value without copying.
	v, err := Go(context.Background(), sys, func(context.Context) (*byte, error) { return &r.Get()[0], nil }, TaskOptions{}).Get(context.Background())
	if err != nil || v != &data[0] || r.Get()[7] != 9 {
		t.Fatal("Get copied the value")
	}
	r2 := PutSized(sys, "x", 100)
	r.Release()
	r.Release()
	if got := sys.PinnedBytes(); got != 100 || !r.Released() || r.Get() != nil {
		t.Fatalf("after release: pinned = %d", got)
	}
	r2.Release()
	if sys.PinnedBytes() != 0 {
		t.Fatal("pinned not zero")
	}
}
