package dataset

import (
	"errors"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
)

// twosComplement returns v as a big-endian two's complement of n bytes.
func twosComplement(v *big.Int, n int) []byte {
	u := new(big.Int).Set(v)
	if u.Sign() < 0 {
		u.Add(u, new(big.Int).Lsh(big.NewInt(1), uint(8*n)))
	}
	return u.FillBytes(make([]byte, n))
}

// writeParquetRows writes rows (one value per column, nil for a null) to a
// new file under schema, whose columns are named in sorted order.
func writeParquetRows(t *testing.T, schema *parquet.Schema, rows [][]parquet.Value) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "logical.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := parquet.NewWriter(f, schema)
	leaves := schema.Fields()
	for _, r := range rows {
		row := make(parquet.Row, len(r))
		for ci, v := range r {
			def := 0
			if leaves[ci].Optional() {
				def = 1
			}
			if v.IsNull() {
				row[ci] = parquet.NullValue().Level(0, 0, ci)
				continue
			}
			row[ci] = v.Level(0, def, ci)
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestParquetUnsignedAndDecimal reads unsigned integers and decimals on
// every physical type, plain and dictionary-encoded: each reads as its
// value, never as the bits of another type.
func TestParquetUnsignedAndDecimal(t *testing.T) {
	big20, _ := new(big.Int).SetString("99999999999999999999", 10) // DECIMAL(20,2) max
	flba := func(v *big.Int) parquet.Value { return parquet.FixedLenByteArrayValue(twosComplement(v, 9)) }
	rowsIn := [][]parquet.Value{
		{parquet.Int32Value(255), parquet.Int32Value(65535), parquet.Int32Value(int32(-294967296)) /* 4e9 */, parquet.Int64Value(math.MaxInt64),
			parquet.Int32Value(12345), parquet.Int64Value(123456789012345678), flba(big.NewInt(12345))},
		{parquet.Int32Value(0), parquet.Int32Value(1), parquet.Int32Value(-1) /* MaxUint32 */, parquet.Int64Value(0),
			parquet.Int32Value(-12345), parquet.Int64Value(-1), flba(big.NewInt(-12345))},
		{parquet.Int32Value(7), parquet.Int32Value(7), parquet.Int32Value(7), parquet.Int64Value(7),
			parquet.Int32Value(999999999), parquet.Int64Value(5), flba(big20)},
		{parquet.Int32Value(7), parquet.Int32Value(7), parquet.Int32Value(7), parquet.Int64Value(7),
			parquet.Int32Value(12345), parquet.Int64Value(5), {}},
	}
	want := []map[string]any{
		{"a_u8": int64(255), "b_u16": int64(65535), "c_u32": int64(4000000000), "d_u64": int64(math.MaxInt64),
			"e_dec32": 123.45, "f_dec64": 1234567890123456.78, "g_decflba": 123.45},
		{"a_u8": int64(0), "b_u16": int64(1), "c_u32": int64(math.MaxUint32), "d_u64": int64(0),
			"e_dec32": -123.45, "f_dec64": -0.01, "g_decflba": -123.45},
		{"a_u8": int64(7), "b_u16": int64(7), "c_u32": int64(7), "d_u64": int64(7),
			"e_dec32": 9999999.99, "f_dec64": 0.05, "g_decflba": 999999999999999999.99},
		{"a_u8": int64(7), "b_u16": int64(7), "c_u32": int64(7), "d_u64": int64(7),
			"e_dec32": 123.45, "f_dec64": 0.05, "g_decflba": nil},
	}
	for _, enc := range []struct {
		name string
		enc  func(parquet.Node) parquet.Node
	}{
		{"plain", func(n parquet.Node) parquet.Node { return parquet.Encoded(n, &parquet.Plain) }},
		{"dictionary", func(n parquet.Node) parquet.Node { return parquet.Encoded(n, &parquet.RLEDictionary) }},
	} {
		t.Run(enc.name, func(t *testing.T) {
			schema := parquet.NewSchema("logical", parquet.Group{
				"a_u8":      enc.enc(parquet.Uint(8)),
				"b_u16":     enc.enc(parquet.Uint(16)),
				"c_u32":     enc.enc(parquet.Uint(32)),
				"d_u64":     enc.enc(parquet.Uint(64)),
				"e_dec32":   enc.enc(parquet.Decimal(2, 9, parquet.Int32Type)),
				"f_dec64":   enc.enc(parquet.Decimal(2, 18, parquet.Int64Type)),
				"g_decflba": parquet.Optional(enc.enc(parquet.Decimal(2, 20, parquet.FixedLenByteArrayType(9)))),
			})
			path := writeParquetRows(t, schema, rowsIn)
			src := NewParquetDatasource([]string{path}, ParquetOptions{})
			sc, err := src.Schema(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			wantTypes := map[string]Type{"a_u8": Int64, "b_u16": Int64, "c_u32": Int64, "d_u64": Int64,
				"e_dec32": Float64, "f_dec64": Float64, "g_decflba": Float64}
			for _, f := range sc.Fields {
				if f.Type != wantTypes[f.Name] {
					t.Errorf("column %s is %v, want %v", f.Name, f.Type, wantTypes[f.Name])
				}
			}
			if d := cmp.Diff(want, rows(readAll(t, src))); d != "" {
				t.Errorf("values (-want +got):\n%s", d)
			}
		})
	}
}

// TestParquetUint64OverflowIsAnError: a UINT_64 value above MaxInt64 is an
// error naming the column, not a negative number.
func TestParquetUint64OverflowIsAnError(t *testing.T) {
	schema := parquet.NewSchema("u", parquet.Group{"big": parquet.Uint(64)})
	path := writeParquetRows(t, schema, [][]parquet.Value{
		{parquet.Int64Value(1)}, {parquet.Int64Value(math.MinInt64)}, // 2^63
	})
	_, err := readAllErr(NewParquetDatasource([]string{path}, ParquetOptions{}))
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), `"big"`) ||
		!strings.Contains(err.Error(), "9223372036854775808") {
		t.Fatalf("err = %v, want ErrMalformed naming column big and the value 2^63", err)
	}
}

// TestDecimalToFloat checks the decimal conversions on the edges: the
// widths of the byte encodings (BYTE_ARRAY decimals included), sign
// extension, unscaled values beyond 2^53 and scales beyond 10^22.
func TestDecimalToFloat(t *testing.T) {
	bi := func(s string) *big.Int { v, _ := new(big.Int).SetString(s, 10); return v }
	for _, tc := range []struct {
		unscaled *big.Int
		width    int
		scale    int32
		want     float64
	}{
		{big.NewInt(12345), 2, 2, 123.45},
		{big.NewInt(-1), 1, 0, -1},
		{big.NewInt(-12345), 4, 2, -123.45},
		{big.NewInt(1), 8, 30, 1e-30},
		{bi("9007199254740993"), 8, 0, 9007199254740992}, // 2^53+1 rounds to even
		{bi("-123456789012345678901234567890"), 13, 10, -12345678901234567890.1234567890},
		{bi("99999999999999999999999999999999999999"), 16, 38, 0.99999999999999999999999999999999999999},
	} {
		var u big.Int
		got, err := decimalBytesFloat(&u, string(twosComplement(tc.unscaled, tc.width)), tc.scale)
		if err != nil || got != tc.want {
			t.Errorf("%s × 10^-%d in %d bytes = %v, %v; want %v", tc.unscaled, tc.scale, tc.width, got, err, tc.want)
		}
		if tc.unscaled.IsInt64() {
			if got := decimalFloat(tc.unscaled.Int64(), tc.scale); got != tc.want {
				t.Errorf("decimalFloat(%s, %d) = %v, want %v", tc.unscaled, tc.scale, got, tc.want)
			}
		}
	}
	if _, err := decimalBytesFloat(new(big.Int), "", 2); err == nil {
		t.Error("an empty decimal value converted without error")
	}
}
