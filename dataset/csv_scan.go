package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// errBareCR reports a carriage return outside quotes and not before a
// line feed: most often a file whose lines end in "\r" alone.
var errBareCR = errors.New(`carriage return in an unquoted field (lines ending in "\r" alone are not supported: use "\n" or "\r\n", or quote the field)`)

// csvRecord is one parsed row. fields alias the scanner's buffer and are
// valid until the next call to next.
type csvRecord struct {
	fields [][]byte
	quoted []bool // field was quoted ("" is then an empty string, not null)
	line   int    // 1-based line where the record starts
}

// csvScanner splits RFC 4180 text into records. It tracks physical line
// numbers so that errors can point at the line of a bad record.
type csvScanner struct {
	r     *bufio.Reader
	file  string
	delim byte

	line    int    // physical lines consumed so far
	eol     string // the line ending readLine removed ("", "\n" or "\r\n")
	cr      bool   // the current line holds a carriage return
	buf     []byte // unescaped bytes of the current record's fields
	ends    []int  // end offset of each field in buf
	rec     csvRecord
	pending bool // unread was called: return rec again
	started bool
}

func newCSVScanner(r io.Reader, file string, delim byte) *csvScanner {
	return &csvScanner{r: bufio.NewReaderSize(r, 1<<20), file: file, delim: delim}
}

// unread makes the next call to next return the last record again.
func (s *csvScanner) unread() { s.pending = true }

// readLine returns the next physical line without its "\n" or "\r\n".
// The slice is valid until the next read.
func (s *csvScanner) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = s.r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(line) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	s.line++
	s.eol = ""
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line, s.eol = line[:n-1], "\n"
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line, s.eol = line[:n-1], "\r\n"
		}
	}
	s.cr = bytes.IndexByte(line, '\r') >= 0
	if !s.started {
		s.started = true
		if len(line) >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
			line = line[3:]
		}
	}
	return line, nil
}

// next returns the next record, io.EOF at the end, or a *ParseError.
func (s *csvScanner) next() (csvRecord, error) {
	if s.pending {
		s.pending = false
		return s.rec, nil
	}
	var line []byte
	var err error
	for {
		line, err = s.readLine()
		if err != nil {
			if err == io.EOF {
				return csvRecord{}, io.EOF
			}
			return csvRecord{}, &ParseError{File: s.file, Line: s.line + 1, Err: err}
		}
		if len(line) > 0 {
			break
		}
	}
	start := s.line
	s.buf, s.ends = s.buf[:0], s.ends[:0]
	s.rec.quoted = s.rec.quoted[:0]
	i := 0
	for {
		// at the start of a field
		if i < len(line) && line[i] == '"' {
			i++
			s.rec.quoted = append(s.rec.quoted, true)
			for {
				j := bytes.IndexByte(line[i:], '"')
				if j < 0 {
					// the field goes on past the end of the line
					s.buf = append(s.buf, line[i:]...)
					s.buf = append(s.buf, s.eol...)
					line, err = s.readLine()
					if err != nil {
						if err == io.EOF {
							err = errors.New("quoted field not closed before end of file")
						}
						return csvRecord{}, &ParseError{File: s.file, Line: start, Field: len(s.ends) + 1, Err: err}
					}
					i = 0
					continue
				}
				s.buf = append(s.buf, line[i:i+j]...)
				i += j + 1
				if i < len(line) && line[i] == '"' { // doubled quote
					s.buf = append(s.buf, '"')
					i++
					continue
				}
				break
			}
			s.ends = append(s.ends, len(s.buf))
			if i == len(line) {
				break
			}
			if line[i] != s.delim {
				err := errors.New("unexpected text after closing quote")
				if line[i] == '\r' {
					err = errBareCR
				}
				return csvRecord{}, &ParseError{File: s.file, Line: s.line, Field: len(s.ends), Err: err}
			}
			i++
			if i == len(line) { // trailing delimiter: one more empty field
				s.ends = append(s.ends, len(s.buf))
				s.rec.quoted = append(s.rec.quoted, false)
				break
			}
			continue
		}
		s.rec.quoted = append(s.rec.quoted, false)
		j := bytes.IndexByte(line[i:], s.delim)
		if s.cr {
			fld := line[i:]
			if j >= 0 {
				fld = line[i : i+j]
			}
			if bytes.IndexByte(fld, '\r') >= 0 {
				return csvRecord{}, &ParseError{File: s.file, Line: s.line, Field: len(s.ends) + 1, Err: errBareCR}
			}
		}
		if j < 0 {
			s.buf = append(s.buf, line[i:]...)
			s.ends = append(s.ends, len(s.buf))
			break
		}
		s.buf = append(s.buf, line[i:i+j]...)
		s.ends = append(s.ends, len(s.buf))
		i += j + 1
		if i == len(line) {
			s.ends = append(s.ends, len(s.buf))
			s.rec.quoted = append(s.rec.quoted, false)
			break
		}
	}
	s.rec.fields = s.rec.fields[:0]
	from := 0
	for _, e := range s.ends {
		s.rec.fields = append(s.rec.fields, s.buf[from:e:e])
		from = e
	}
	s.rec.line = start
	return s.rec, nil
}
