#pragma once
// A test-only HTTP server for the event-stream transport: answers every POST with the answer the
// test chose (status, Content-Type, body pieces written one by one, chunked or with a
// Content-Length), over plain TCP or TLS (the double's test CA), and records the first request.
// Boost stays in the .cpp.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "goldenpath/clock.hpp"

namespace goldenpath::test {

struct SseAnswer {
    int status = 200;
    std::string content_type = "text/event-stream";
    // Written one write each (the client sees them arrive apart); for chunked answers each piece
    // is one chunk.
    std::vector<std::string> pieces;
    bool chunked = true;  // false: one Content-Length for all pieces
    // Set: a request whose Authorization is not "Bearer <token>" gets 401 and `rejection_body`.
    std::optional<std::string> required_token;
    std::string rejection_body = "invalid token";
    // After the last piece, keep the connection open without ending the body.
    bool hold_open = false;
    // Read the request and never answer (until the client closes).
    bool never_answer = false;
};

struct RecordedRequest {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
};

class SseTestServer {
  public:
    explicit SseTestServer(SseAnswer answer, bool tls = false);
    ~SseTestServer();
    SseTestServer(const SseTestServer&) = delete;
    SseTestServer& operator=(const SseTestServer&) = delete;

    // http://127.0.0.1:PORT/agent, or https://localhost:PORT/agent with tls.
    std::string url() const;
    // The CA file that signed the TLS server's certificate.
    static std::string ca_file();
    // The first request, once it arrived before `deadline`.
    std::optional<RecordedRequest> wait_for_request(Clock::time_point deadline) const;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

// `data` as one SSE event ("data: ...\n\n"), every line of it a data line.
std::string sse_event(const std::string& data);

}  // namespace goldenpath::test
