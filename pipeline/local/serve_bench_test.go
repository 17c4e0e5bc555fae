package local_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/pipeline/local"
)

// BenchmarkServeHTTP measures one invocation's handling without the
// network: parsing the CSV body, predicting and writing the answer.
func BenchmarkServeHTTP(b *testing.B) {
	hm := newHousingModel(b)
	var rows [][]float64
	for len(rows) < 1000 {
		rows = append(rows, hm.rows...)
	}
	for _, n := range []int{1, 1000} {
		// Shortest float32 text, as clients send features.
		var sb strings.Builder
		for _, r := range rows[:n] {
			for j, v := range r {
				if j > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(strconv.FormatFloat(v, 'g', -1, 32))
			}
			sb.WriteByte('\n')
		}
		body := sb.String()
		b.Run(map[int]string{1: "1row", 1000: "1000rows"}[n], func(b *testing.B) {
			root := b.TempDir()
			const uri = "s3://bucket/model.tar.gz"
			if err := local.Stage(root, hm.tarGz, uri); err != nil {
				b.Fatal(err)
			}
			reg := local.OpenRegistry(root)
			p, err := reg.Register(ctxT(b), local.ModelPackage{GroupName: "g", ApprovalStatus: local.Approved,
				InferenceSpecification: local.InferenceSpecification{Containers: []local.Container{{Image: "x", ModelDataURL: uri}}}})
			if err != nil {
				b.Fatal(err)
			}
			srv, err := local.NewServer(ctxT(b), reg, p, local.ServeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/invocations", strings.NewReader(body))
				req.Header.Set("Content-Type", "text/csv")
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatal(w.Code, w.Body)
				}
			}
		})
	}
}
