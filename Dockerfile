# Builds the sitrep server. FerretDB is compiled in but stays unused when
# SITREP_MONGODB_URI is set, as in docker-compose.yml.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /sitrep ./server

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /sitrep /sitrep
EXPOSE 8080
ENTRYPOINT ["/sitrep"]
