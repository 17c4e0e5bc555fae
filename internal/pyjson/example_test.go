package pyjson_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// Marshal writes what json.dumps writes: members in insertion order, Python's
// separators and escapes, and floats that stay floats.
func ExampleMarshal() {
	doc := pyjson.NewObject().
		Set("Name", "Tr\u00e4in").
		Set("MaxDepth", 6).
		Set("Threshold", 15000.0).
		Set("Eta", 0.00001).
		Set("Tags", []string{"a/b", "<c>"})
	b, err := pyjson.Marshal(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b))

	_, err = pyjson.Marshal(pyjson.NewObject().Set("Bad", math.NaN()))
	fmt.Println(err, errors.Is(err, pyjson.ErrNaN))
	// Output:
	// {"Name": "Tr\u00e4in", "MaxDepth": 6, "Threshold": 15000.0, "Eta": 1e-05, "Tags": ["a/b", "<c>"]}
	// at $.Bad: pyjson: NaN or infinite float: NaN true
}

// Unmarshal keeps member order and the integer/float distinction, so
// writing the tree back gives the same bytes.
func ExampleUnmarshal() {
	in := `{"b": 1, "a": 1.0, "c": [true, null, "\u00e9"]}`
	v, err := pyjson.Unmarshal([]byte(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	o := v.(*pyjson.Object)
	a, _ := o.Get("a")
	b, _ := o.Get("b")
	fmt.Printf("%v %T %T\n", o.Keys(), a, b)
	out, _ := pyjson.Marshal(v)
	fmt.Println(string(out) == in)

	_, err = pyjson.Unmarshal([]byte(`{"a": 1,}`))
	var se *pyjson.SyntaxError
	fmt.Println(errors.As(err, &se), se.Offset)
	// Output:
	// [b a c] float64 int64
	// true
	// true 8
}
