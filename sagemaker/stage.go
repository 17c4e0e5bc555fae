package sagemaker

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// upload is one object to stage: its location and its bytes.
type upload struct {
	bucket, key string
	body        []byte
}

func (u upload) uri() string { return "s3://" + u.bucket + "/" + u.key }

// uploads reads every piece of local code p's steps name, packed as the SDK
// packs it, before anything is sent.
func uploads(p *pipeline.Pipeline, env *steps.Env) ([]upload, error) {
	var out []upload
	seen := map[string]bool{}
	proto := stepdef.Get[steps.Step, steps.Env]()
	for _, n := range p.Graph().Nodes {
		for _, u := range proto.Uploads(n.Step, env) {
			if seen[u.URI] {
				continue
			}
			seen[u.URI] = true
			bucket, key, err := splitS3(u.URI)
			if err != nil {
				return nil, fmt.Errorf("%w: step %q: %w", ErrLocalCode, n.Step.Name(), err)
			}
			var body []byte
			if u.Archive {
				body, err = sourceTar(u.SourceDir, u.Paths, u.Files)
			} else if len(u.Paths) == 1 {
				body, err = os.ReadFile(u.Paths[0])
			} else {
				err = fmt.Errorf("%d paths for one file", len(u.Paths))
			}
			if err != nil {
				return nil, fmt.Errorf("%w: step %q: %w", ErrLocalCode, n.Step.Name(), err)
			}
			out = append(out, upload{bucket: bucket, key: key, body: body})
		}
	}
	return out, nil
}

// splitS3 splits an s3:// URI into bucket and key.
func splitS3(uri string) (bucket, key string, err error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", "", err
	}
	key = strings.TrimPrefix(u.Path, "/")
	if u.Scheme != "s3" || u.Host == "" || key == "" {
		return "", "", fmt.Errorf("not an s3://bucket/key URI: %q", uri)
	}
	return u.Host, key, nil
}

// sourceTar builds sourcedir.tar.gz as the SDK's create_tar_file does:
// each entry of dir (if set) and each path at the root under its base
// name, directories with their contents, links followed; then the
// generated files.
func sourceTar(dir string, paths []string, files []stepdef.File) ([]byte, error) {
	var roots []string
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			roots = append(roots, filepath.Join(dir, e.Name()))
		}
	}
	roots = append(roots, paths...)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, r := range roots {
		if err := addTree(tw, r, filepath.Base(r)); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: f.Name, Mode: f.Mode, Size: int64(len(f.Data))}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func addTree(tw *tar.Writer, path, name string) error {
	fi, err := os.Stat(path) // dereference, as the SDK does
	if err != nil {
		return err
	}
	hdr, err := tar.FileInfoHeader(fi, "")
	if err != nil {
		return err
	}
	hdr.Name = filepath.ToSlash(name)
	hdr.Uname, hdr.Gname = "", ""
	if fi.IsDir() {
		hdr.Name += "/"
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := addTree(tw, filepath.Join(path, e.Name()), name+"/"+e.Name()); err != nil {
				return err
			}
		}
		return nil
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(tw, f)
	return err
}

// stage uploads each object that is not there yet and returns the URIs it
// uploaded. Keys carry a content hash or a timestamp, so an object that
// exists holds the same code.
func (c *Client) stage(ctx context.Context, name string, ups []upload) ([]string, error) {
	var done []string
	for _, u := range ups {
		_, err := c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(u.bucket), Key: aws.String(u.key)})
		if err == nil {
			c.log.DebugContext(ctx, "code already staged", "pipeline", name, "uri", u.uri())
			continue
		}
		if !notFound(err) {
			return done, opErr("HeadObject", name, fmt.Errorf("%s: %w", u.uri(), err))
		}
		if err := c.put(ctx, name, u); err != nil {
			return done, err
		}
		c.log.DebugContext(ctx, "code staged", "pipeline", name, "uri", u.uri(), "bytes", len(u.body))
		done = append(done, u.uri())
	}
	return done, nil
}

func (c *Client) put(ctx context.Context, name string, u upload) error {
	_, err := c.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(u.bucket),
		Key:           aws.String(u.key),
		Body:          bytes.NewReader(u.body),
		ContentLength: aws.Int64(int64(len(u.body))),
	})
	return opErr("PutObject", name, errWithURI(u.uri(), err))
}

func errWithURI(uri string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", uri, err)
}

// notFound reports a HeadObject answer saying the object is absent.
func notFound(err error) bool {
	var nf *s3types.NotFound
	if errors.As(err, &nf) {
		return true
	}
	var nk *s3types.NoSuchKey
	if errors.As(err, &nk) {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "NotFound" || ae.ErrorCode() == "NoSuchKey")
}
