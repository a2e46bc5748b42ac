module github.com/golden-go/golden-go/examples/services/port80

go 1.26
