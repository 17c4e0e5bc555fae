// Package pyjson writes and reads JSON exactly as Python's standard library
// json module does with its default settings.
//
// SageMaker Pipelines definitions are produced by the Python SDK with a bare
// json.dumps call. Reproducing those bytes needs an encoder that keeps member
// order, uses Python's separators and escapes, and prints floats with
// Python's repr. encoding/json does none of these, so this package does.
//
// # Tree model
//
// A JSON document is a tree of plain Go values, so the JSON kind of every
// leaf is remembered by its Go type:
//
//   - nil is null; bool is true/false; string is a string;
//   - the integer kinds (int, int64, uint8, …) and *big.Int are JSON integers;
//   - float64 is a Python float, printed with repr: 15000.0, 1e-05, 1e+16;
//   - []any, []string (or any other slice) is an array;
//   - *Object is an object whose members keep their insertion order.
//
// Two duck-typed extension points let other packages make their values
// encodable without importing this one:
//
//   - a value with a PyJSON() any method stands for the tree it returns;
//   - a value with a Members() iter.Seq2[string, any] method is written as an
//     object with those members, in that order.
//
// A Go error found in the tree aborts encoding with that error, which lets
// a value report why it cannot be written.
//
// # Encoding
//
// Marshal and Append follow json.dumps defaults: ", " and ": " separators,
// ensure_ascii escapes (lower-case \uXXXX, surrogate pairs for characters
// outside the Basic Multilingual Plane, DEL escaped), the short escapes
// \n \r \t \b \f, and no escaping of / < > &. NaN and infinities are refused
// with ErrNaN; strings that are not valid UTF-8 with ErrInvalidUTF8 (Go
// strings encoding a lone UTF-16 surrogate, as Unmarshal produces for an
// input such as "\ud800", are written back as that escape).
//
// # Decoding
//
// Unmarshal follows json.loads: objects become *Object in input order (a
// repeated key keeps its first position and its last value, as a Python dict
// does), integers become int64 or *big.Int, numbers with a fraction or an
// exponent become float64, and the NaN/Infinity extensions are refused.
// Errors are *SyntaxError values carrying the byte offset. For every input
// that decodes, Marshal of the result is a fixpoint.
package pyjson
