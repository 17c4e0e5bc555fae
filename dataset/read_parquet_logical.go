package dataset

import (
	"fmt"
	"math/big"
	"strconv"

	"github.com/parquet-go/parquet-go"
)

// parquetLeaf says how the values of a parquet leaf column become a
// dataset column: the pages decode to phys, and conv turns that into typ
// according to the column's logical type.
type parquetLeaf struct {
	typ   Type // the column's dataset type
	phys  Type // what the pages decode to
	conv  parquetConv
	scale int32 // decimal scale
}

// parquetConv is a conversion from the decoded physical values.
type parquetConv uint8

const (
	convNone         parquetConv = iota
	convUint32                   // INT32 holding UINT_8/16/32: zero-extend
	convUint64                   // INT64 holding UINT_64: over MaxInt64 is an error
	convDecimalInt               // INT32/INT64 unscaled DECIMAL → Float64
	convDecimalBytes             // big-endian two's complement unscaled DECIMAL → Float64
)

// parquetLeafOf maps a parquet leaf type to how it is read. Unknown
// physical types map to Invalid.
func parquetLeafOf(t parquet.Type) parquetLeaf {
	var phys Type
	switch t.Kind() {
	case parquet.Boolean:
		phys = Bool
	case parquet.Int32, parquet.Int64, parquet.Int96:
		phys = Int64
	case parquet.Float, parquet.Double:
		phys = Float64
	case parquet.ByteArray, parquet.FixedLenByteArray:
		phys = String
	default:
		return parquetLeaf{typ: Invalid, phys: Invalid}
	}
	leaf := parquetLeaf{typ: phys, phys: phys}
	lt := t.LogicalType()
	switch {
	case lt == nil:
	case lt.Integer != nil && !lt.Integer.IsSigned:
		switch t.Kind() {
		case parquet.Int32:
			leaf.conv = convUint32
		case parquet.Int64:
			leaf.conv = convUint64
		}
	case lt.Decimal != nil:
		leaf.typ, leaf.scale = Float64, lt.Decimal.Scale
		switch t.Kind() {
		case parquet.Int32, parquet.Int64:
			leaf.conv = convDecimalInt
		case parquet.ByteArray, parquet.FixedLenByteArray:
			leaf.conv = convDecimalBytes
		default:
			leaf.typ = Invalid
		}
	}
	return leaf
}

// parquetType is the dataset type of a parquet leaf column.
func parquetType(t parquet.Type) Type { return parquetLeafOf(t).typ }

// convert turns a column of decoded physical values into the column's
// values. name and where locate a value that cannot be represented.
func (l parquetLeaf) convert(c *Column, name, where string) (*Column, error) {
	switch l.conv {
	case convUint32:
		for i, v := range c.i64 {
			c.i64[i] = int64(uint32(v))
		}
	case convUint64:
		for i, v := range c.i64 {
			if v < 0 && !c.IsNull(i) {
				return nil, fmt.Errorf("%w: %s: column %q: unsigned value %d does not fit an int64",
					ErrMalformed, where, name, uint64(v))
			}
		}
	case convDecimalInt:
		out := make([]float64, c.n)
		for i, v := range c.i64 {
			out[i] = decimalFloat(v, l.scale)
		}
		return NewFloat64Column(out, c.valid), nil
	case convDecimalBytes:
		out := make([]float64, c.n)
		var u big.Int
		for i, s := range c.str {
			if c.IsNull(i) {
				continue
			}
			f, err := decimalBytesFloat(&u, s, l.scale)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: column %q: decimal: %w", ErrMalformed, where, name, err)
			}
			out[i] = f
		}
		return NewFloat64Column(out, c.valid), nil
	}
	return c, nil
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalFloat returns the float64 nearest to unscaled × 10^-scale.
func decimalFloat(unscaled int64, scale int32) float64 {
	// Both operands exact: one IEEE operation rounds correctly.
	if unscaled > -1<<53 && unscaled < 1<<53 && scale >= 0 && int(scale) < len(pow10) {
		return float64(unscaled) / pow10[scale]
	}
	f, _ := strconv.ParseFloat(strconv.FormatInt(unscaled, 10)+"e"+strconv.Itoa(-int(scale)), 64)
	return f
}

// decimalBytesFloat returns the float64 nearest to the big-endian two's
// complement integer b times 10^-scale.
func decimalBytesFloat(u *big.Int, b string, scale int32) (float64, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("empty value")
	}
	if len(b) <= 8 {
		var v uint64
		for i := 0; i < len(b); i++ {
			v = v<<8 | uint64(b[i])
		}
		// sign-extend from len(b) bytes
		shift := 64 - 8*uint(len(b))
		return decimalFloat(int64(v<<shift)>>shift, scale), nil
	}
	u.SetBytes([]byte(b))
	if b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	f, err := strconv.ParseFloat(u.String()+"e"+strconv.Itoa(-int(scale)), 64)
	if err != nil {
		return 0, err
	}
	return f, nil
}
