module github.com/golden-go/golden-go/examples/hello-service

go 1.26
