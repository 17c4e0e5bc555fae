module github.com/sagepipe/sagepipe

go 1.24.0
