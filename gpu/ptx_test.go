package gpu

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/internal/glibcf"
)

// TestPTXCurrent checks the hashes kernels/gen.sh recorded: the committed
// PTX was generated from the committed train.cu by the committed gen.sh.
// (kernels/check.sh also regenerates it where nvcc is installed.)
func TestPTXCurrent(t *testing.T) {
	sums, err := os.ReadFile(filepath.Join("kernels", "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		want, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", line)
		}
		data, err := os.ReadFile(filepath.Join("kernels", name))
		if err != nil {
			t.Fatal(err)
		}
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("kernels/%s changed since kernels/gen.sh last ran: run it (needs nvcc 11.8)", name)
		}
		seen[name] = true
	}
	for _, name := range []string{"train.cu", "gen.sh", "train.ptx"} {
		if !seen[name] {
			t.Errorf("SHA256SUMS does not cover %s", name)
		}
	}
	ptx, err := os.ReadFile(filepath.Join("kernels", "train.ptx"))
	if err != nil {
		t.Fatal(err)
	}
	// Every kernel the launcher knows, with its parameter count, each
	// parameter 8 bytes wide; and no other kernel.
	entries := regexp.MustCompile(`(?s)\.entry (\w+)\((.*?)\)`).FindAllStringSubmatch(string(ptx), -1)
	if len(entries) != len(kernelParams) {
		t.Errorf("train.ptx has %d kernels, the launcher knows %d", len(entries), len(kernelParams))
	}
	for _, e := range entries {
		params := regexp.MustCompile(`\.param \.(\w+) `).FindAllStringSubmatch(e[2], -1)
		if want, ok := kernelParams[e[1]]; !ok || len(params) != want {
			t.Errorf("kernel %s has %d parameters, the launcher passes %d", e[1], len(params), want)
		}
		for _, p := range params {
			if p[1] != "u64" && p[1] != "f64" {
				t.Errorf("kernel %s has a .%s parameter: every parameter must be 8 bytes wide", e[1], p[1])
			}
		}
	}
	if strings.Contains(string(ptx), ".file") {
		t.Error("train.ptx names source files (compiled with -lineinfo?)")
	}
}

// TestKernelConstants checks that the constants written into train.cu
// as bit patterns are the Go reference's.
func TestKernelConstants(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("kernels", "train.cu"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	start := strings.Index(s, "#define EXPF_TABLE_VALUES")
	if start < 0 {
		t.Fatal("train.cu defines no EXPF_TABLE_VALUES")
	}
	table := s[start:]
	table = table[:strings.Index(table, "\n\n")]
	words := regexp.MustCompile(`0x([0-9a-f]{16})ULL`).FindAllStringSubmatch(table, -1)
	if len(words) != len(glibcf.ExpfTable) {
		t.Fatalf("expf_table has %d entries, the reference %d", len(words), len(glibcf.ExpfTable))
	}
	for j, w := range words {
		v, _ := strconv.ParseUint(w[1], 16, 64)
		if v != glibcf.ExpfTable[j] {
			t.Errorf("expf_table[%d] = %#x, reference %#x", j, v, glibcf.ExpfTable[j])
		}
	}
	for name, want := range map[string]uint64{
		"EXPF_INV_LN2N_BITS": math.Float64bits(glibcf.ExpfInvLn2N),
		"EXPF_SHIFT_BITS":    math.Float64bits(glibcf.ExpfShift),
		"EXPF_C0_BITS":       math.Float64bits(glibcf.ExpfC0),
		"EXPF_C1_BITS":       math.Float64bits(glibcf.ExpfC1),
		"EXPF_C2_BITS":       math.Float64bits(glibcf.ExpfC2),
		"EXPF_ABS_TOP":       glibcf.ExpfAbsTop,
	} {
		m := regexp.MustCompile(`#define ` + name + ` 0x([0-9a-f]+)U(LL)?\b`).FindStringSubmatch(s)
		if m == nil {
			t.Errorf("train.cu defines no %s", name)
			continue
		}
		if v, _ := strconv.ParseUint(m[1], 16, 64); v != want {
			t.Errorf("%s = %#x, reference %#x", name, v, want)
		}
	}
	// The float32 thresholds, written as hexadecimal float literals.
	for name, want := range map[string]float32{
		"EXPF_OVERFLOW":      glibcf.ExpfOverflow,
		"EXPF_UNDERFLOW":     glibcf.ExpfUnderflow,
		"EXPF_MAY_UNDERFLOW": glibcf.ExpfMayUnderflow,
	} {
		m := regexp.MustCompile(`#define ` + name + ` (-?0x[0-9a-f.]+p[0-9]+)f\b`).FindStringSubmatch(s)
		if m == nil {
			t.Errorf("train.cu defines no %s", name)
			continue
		}
		v, err := strconv.ParseFloat(m[1], 32)
		if err != nil || float32(v) != want {
			t.Errorf("%s = %s, reference %v", name, m[1], want)
		}
	}
	for _, want := range []string{"float wmax = 0x1p-126f;"} {
		if !strings.Contains(s, want) {
			t.Errorf("train.cu lacks %q, which the reference assumes", want)
		}
	}
	// The fused multiply-adds of expf are the only ones: --fmad=false
	// contracts nothing else. Every expf inlined into a kernel has five.
	ptx, err := os.ReadFile(filepath.Join("kernels", "train.ptx"))
	if err != nil {
		t.Fatal(err)
	}
	fmas := strings.Count(string(ptx), "fma.rn.f64")
	if n := strings.Count(string(ptx), "fma."); n != fmas || fmas == 0 || fmas%5 != 0 {
		t.Errorf("train.ptx has %d fma instructions, %d of them fma.rn.f64: want only expf's, five per expf", n, fmas)
	}
	for _, want := range []string{"#define PART_CHUNK 512", "#define EVAL_THREADS 128", "#define SCAN_THREADS 1024"} {
		if !strings.Contains(s, want) {
			t.Errorf("train.cu lacks %q, which the Go side assumes", want)
		}
	}
}
