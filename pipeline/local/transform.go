package local

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// transformExecutor runs Transform steps: batch inference of the step's
// model over every file of its input, with the predictor bound by
// Engine.Predictor (or LoadBoost), writing <file>.out under the output
// path as SageMaker's batch transform does.
type transformExecutor struct{}

// transformDefault marks a transform with no canned result: its
// predictor is chosen when it starts, once its model is known.
type transformDefault struct{}

func (transformExecutor) builtin() any             { return transformDefault{} }
func (transformExecutor) cacheable() bool          { return true }
func (transformExecutor) keys(s *stepDef) []string { return []string{s.name} }

func (transformExecutor) cacheKey(args *pyjson.Object) (any, []string) {
	fields := pyjson.NewObject()
	for _, k := range []string{"DataProcessing", "Environment", "ModelName", "TransformInput"} {
		if v, ok := args.Get(k); ok {
			fields.Set(k, v)
		}
	}
	uri, _ := get(asObject(get(asObject(get(asObject(get(args, "TransformInput")), "DataSource")), "S3DataSource")), "S3Uri").(string)
	if uri == "" {
		return fields, nil
	}
	return fields, []string{uri}
}

// canned: a canned Transform step runs no inference; its files come from
// the canned output named "output", written to S3OutputPath.
func (transformExecutor) canned(c Canned) any { return c }

// transformJob is a transform's resolved settings.
type transformJob struct {
	model                    string
	dataType, dataURI        string
	contentType, compression string
	split                    string
	outputURI, assemble      string
	accept                   string
	strategy                 string
	maxPayload               int
	env                      map[string]string
	dp                       *dataProcessing
}

func transformJobOf(args *pyjson.Object) (*transformJob, error) {
	in := asObject(get(args, "TransformInput"))
	s3 := asObject(get(asObject(get(in, "DataSource")), "S3DataSource"))
	out := asObject(get(args, "TransformOutput"))
	t := &transformJob{
		model:    pyStr(get(args, "ModelName")),
		dataType: str(s3, "S3DataType"), dataURI: str(s3, "S3Uri"),
		contentType: str(in, "ContentType"), compression: str(in, "CompressionType"), split: str(in, "SplitType"),
		outputURI: str(out, "S3OutputPath"), assemble: str(out, "AssembleWith"), accept: str(out, "Accept"),
		strategy: str(args, "BatchStrategy"), maxPayload: 6, env: map[string]string{},
	}
	if n, ok := number(get(args, "MaxPayloadInMB")); ok && n > 0 {
		t.maxPayload = int(n)
	}
	putEnv(t.env, get(args, "Environment"))
	var err error
	if t.contentType, err = mediaType(t.contentType, ContentCSV); err != nil {
		return nil, fmt.Errorf("TransformInput.ContentType: %w", err)
	}
	if t.accept, err = mediaType(t.accept, ContentCSV); err != nil {
		return nil, fmt.Errorf("TransformOutput.Accept: %w", err)
	}
	unsupported := func(field, v string) error {
		return fmt.Errorf("%w: %s %q is not supported locally", ErrDefinition, field, v)
	}
	switch {
	case t.dataURI == "":
		return nil, fmt.Errorf("%w: TransformInput has no S3Uri", ErrDefinition)
	case t.outputURI == "":
		return nil, fmt.Errorf("%w: TransformOutput has no S3OutputPath", ErrDefinition)
	case t.dataType != "" && t.dataType != "S3Prefix":
		return nil, unsupported("S3DataType", t.dataType)
	case t.split != "" && t.split != "None" && t.split != "Line":
		return nil, unsupported("SplitType", t.split)
	case t.compression != "" && t.compression != "None" && t.compression != "Gzip":
		return nil, unsupported("CompressionType", t.compression)
	case t.assemble != "" && t.assemble != "None" && t.assemble != "Line":
		return nil, unsupported("AssembleWith", t.assemble)
	case t.strategy != "" && t.strategy != "MultiRecord" && t.strategy != "SingleRecord":
		return nil, unsupported("BatchStrategy", t.strategy)
	}
	t.dp = &dataProcessing{}
	dp := asObject(get(args, "DataProcessing"))
	if t.dp.input, err = parseFieldFilter(str(dp, "InputFilter")); err != nil {
		return nil, fmt.Errorf("DataProcessing.InputFilter: %w", err)
	}
	if t.dp.output, err = parseFieldFilter(str(dp, "OutputFilter")); err != nil {
		return nil, fmt.Errorf("DataProcessing.OutputFilter: %w", err)
	}
	switch js := str(dp, "JoinSource"); js {
	case "", "None":
	case "Input":
		t.dp.join = true
	default:
		return nil, unsupported("DataProcessing.JoinSource", js)
	}
	if !t.dp.identity() && (t.contentType != ContentCSV || t.accept != ContentCSV) {
		return nil, fmt.Errorf("%w: DataProcessing is supported locally for text/csv input and output only", ErrDefinition)
	}
	return t, nil
}

func (transformExecutor) run(ctx context.Context, a *attempt, impl any) (*result, error) {
	t, err := transformJobOf(a.args)
	if err != nil {
		return nil, err
	}
	if _, err := a.x.store.path(t.outputURI); err != nil {
		return nil, fmt.Errorf("S3OutputPath: %w", err)
	}
	scratch, err := a.scratchDir()
	if err != nil {
		return nil, err
	}
	outDir := filepath.Join(scratch, "transform-output")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	a.commits = append(a.commits, commit{dir: outDir, uri: t.outputURI})
	if c, ok := impl.(Canned); ok {
		j := a.job()
		if err := c.apply(&j); err != nil {
			return nil, err
		}
		if err := c.writeOutput("output", outDir); err != nil {
			return nil, err
		}
		if err := c.unknownOutputs(map[string]Output{"output": {}}); err != nil {
			return nil, err
		}
	} else if err := t.infer(ctx, a, outDir); err != nil {
		return nil, err
	}
	props := pyjson.NewObject()
	props.Set("TransformJobName", a.jobName)
	props.Set("TransformJobArn", a.x.arn("transform-job/"+lower(a.jobName)))
	props.Set("TransformJobStatus", "Completed")
	for k, v := range a.args.Members() {
		props.Set(k, v)
	}
	return &result{properties: props, outputs: map[string]string{"output": t.outputURI}}, nil
}

// infer runs the model over every input file.
func (t *transformJob) infer(ctx context.Context, a *attempt, outDir string) error {
	m, err := DescribeModel(a.x.e.root, t.model)
	if err != nil {
		return err
	}
	c := m.PrimaryContainer
	c.Environment = maps.Clone(c.Environment)
	if c.Environment == nil {
		c.Environment = map[string]string{}
	}
	maps.Copy(c.Environment, t.env)
	c.Environment["SAGEMAKER_BATCH"] = "true"
	load := a.x.e.predictorFor(a.step.name, m.Name, c.Image)
	pred, err := loadModel(ctx, a.x.store, c, load)
	if err != nil {
		return fmt.Errorf("model %s: %w", m.Name, err)
	}
	files, err := t.inputFiles(a.x.store)
	if err != nil {
		return err
	}
	a.log.Info("transform", "model", m.Name, "files", len(files), "split", t.split, "content_type", t.contentType)
	for _, f := range files {
		if err := t.file(ctx, pred, f, outDir); err != nil {
			return fmt.Errorf("input %s: %w", f.uri, err)
		}
	}
	return nil
}

// inputFile is one object of the transform's input.
type inputFile struct {
	path, rel, uri string
}

// inputFiles lists the objects under the input URI (S3Prefix): every
// file under the folder it names, or the file it names, or the files of
// its parent folder whose names start with its last segment.
func (t *transformJob) inputFiles(st store) ([]inputFile, error) {
	p, err := st.path(t.dataURI)
	if err != nil {
		return nil, fmt.Errorf("TransformInput: %w", err)
	}
	base := strings.TrimRight(t.dataURI, "/")
	info, err := os.Stat(p)
	var files []inputFile
	switch {
	case err == nil && info.IsDir():
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			rel, err := filepath.Rel(p, q)
			rel = filepath.ToSlash(rel)
			files = append(files, inputFile{path: q, rel: rel, uri: base + "/" + rel})
			return err
		})
		if err != nil {
			return nil, err
		}
	case err == nil:
		files = append(files, inputFile{path: p, rel: filepath.Base(p), uri: t.dataURI})
	default:
		ents, _ := os.ReadDir(filepath.Dir(p))
		prefix := filepath.Base(p)
		for _, e := range ents {
			if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) && !strings.HasPrefix(e.Name(), ".") {
				files = append(files, inputFile{path: filepath.Join(filepath.Dir(p), e.Name()), rel: e.Name(),
					uri: base[:strings.LastIndex(base, "/")+1] + e.Name()})
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: nothing at %s", ErrInput, t.dataURI)
	}
	return files, nil
}

// file transforms one input file into <outDir>/<rel>.out; the file is
// written only when all of it succeeds.
func (t *transformJob) file(ctx context.Context, pred Predictor, f inputFile, outDir string) error {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return err
	}
	if t.compression == "Gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%w: gzip: %w", ErrBadInput, err)
		}
		data, err = io.ReadAll(zr)
		if err != nil {
			return fmt.Errorf("%w: gzip: %w", ErrBadInput, err)
		}
	}
	records := t.records(data)
	limit := t.maxPayload << 20
	var out []byte
	for lo := 0; lo < len(records); {
		// A request holds one record (SingleRecord) or as many as fit in
		// MaxPayloadInMB (MultiRecord).
		hi, size := lo, 0
		for hi < len(records) && (hi == lo || t.strategy != "SingleRecord" && size+len(records[hi].data) <= limit) {
			size += len(records[hi].data) + 1
			hi++
		}
		if len(records[lo].data) > limit {
			return fmt.Errorf("%w: line %d: a record of %d bytes exceeds MaxPayloadInMB %d", ErrBadInput, records[lo].line, len(records[lo].data), t.maxPayload)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		resp, err := t.request(ctx, pred, records[lo:hi])
		if err != nil {
			return err
		}
		out = append(out, resp...)
		if t.assemble == "Line" && len(resp) > 0 && resp[len(resp)-1] != '\n' {
			out = append(out, '\n')
		}
		lo = hi
	}
	dst := filepath.Join(outDir, filepath.FromSlash(f.rel)+".out")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, out, 0o644)
}

// record is one record of an input file, with the line it starts on.
type record struct {
	data []byte
	line int
}

// records splits a file as SplitType says: by line (blank lines dropped),
// or the whole file as one record.
func (t *transformJob) records(data []byte) []record {
	if t.split != "Line" {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil
		}
		return []record{{data: data, line: 1}}
	}
	var out []record
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, record{data: l, line: line})
		}
	}
	return out
}

// request parses, predicts and encodes one request's records.
func (t *transformJob) request(ctx context.Context, pred Predictor, recs []record) ([]byte, error) {
	if !t.dp.identity() {
		return t.filteredRequest(ctx, pred, recs)
	}
	var b Batch
	for _, r := range recs {
		rb, err := parseRecords(r.data, t.contentType)
		if re := (*RowError)(nil); errors.As(err, &re) {
			return nil, &RowError{Row: r.line + re.Row - 1, Msg: re.Msg}
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", r.line, err)
		}
		if rb.Rows == 0 {
			continue
		}
		if b.Rows > 0 && rb.Cols != b.Cols {
			return nil, rowErr(r.line, "%d values, but the first row has %d", rb.Cols, b.Cols)
		}
		b.Values = append(b.Values, rb.Values...)
		b.Rows += rb.Rows
		b.Cols = rb.Cols
	}
	if b.Rows == 0 {
		return nil, nil
	}
	p, err := pred.Predict(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("lines %d-%d: %w", recs[0].line, recs[len(recs)-1].line, err)
	}
	if p.Rows != b.Rows || p.Width <= 0 || len(p.Values) != p.Rows*p.Width {
		return nil, fmt.Errorf("the predictor returned %d rows of width %d (%d values) for %d rows", p.Rows, p.Width, len(p.Values), b.Rows)
	}
	if t.accept == ContentJSON {
		return formatJSON(nil, p, nil), nil
	}
	return formatCSV(nil, p, nil), nil
}

// filteredRequest is request with DataProcessing: each CSV line's fields
// pass the input filter before prediction, the line joins its prediction
// when JoinSource is Input, and the result passes the output filter.
func (t *transformJob) filteredRequest(ctx context.Context, pred Predictor, recs []record) ([]byte, error) {
	var b Batch
	var inputs [][]string
	for _, r := range recs {
		line := r.line - 1
		for l := range bytes.Lines(r.data) {
			line++
			if len(bytes.TrimSpace(l)) == 0 {
				continue
			}
			fields := splitFields(bytes.TrimRight(l, "\r\n"))
			kept, err := t.dp.input.apply(fields)
			if err != nil {
				return nil, fmt.Errorf("line %d: InputFilter: %w", line, err)
			}
			rb, err := parseCSV([]byte(strings.Join(kept, ",")))
			if re := (*RowError)(nil); errors.As(err, &re) {
				return nil, &RowError{Row: line, Msg: re.Msg}
			}
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			if b.Rows > 0 && rb.Cols != b.Cols {
				return nil, rowErr(line, "%d values after the input filter, but the first row has %d", rb.Cols, b.Cols)
			}
			b.Values, b.Rows, b.Cols = append(b.Values, rb.Values...), b.Rows+rb.Rows, rb.Cols
			inputs = append(inputs, fields)
		}
	}
	if b.Rows == 0 {
		return nil, nil
	}
	p, err := pred.Predict(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("lines %d-%d: %w", recs[0].line, recs[len(recs)-1].line, err)
	}
	if p.Rows != b.Rows || p.Width <= 0 || len(p.Values) != p.Rows*p.Width {
		return nil, fmt.Errorf("the predictor returned %d rows of width %d (%d values) for %d rows", p.Rows, p.Width, len(p.Values), b.Rows)
	}
	var out []byte
	for i := range p.Rows {
		var fields []string
		if t.dp.join {
			fields = append(fields, inputs[i]...)
		}
		for _, v := range p.Row(i) {
			fields = append(fields, string(appendFloat(nil, v)))
		}
		kept, err := t.dp.output.apply(fields)
		if err != nil {
			return nil, fmt.Errorf("OutputFilter: %w", err)
		}
		out = append(append(out, strings.Join(kept, ",")...), '\n')
	}
	return out, nil
}
