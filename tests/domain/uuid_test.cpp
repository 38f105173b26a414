// UUIDv7 layout, ordering, uniqueness and strict parsing.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "taskcore/domain/uuid.hpp"

using namespace taskcore;

TEST_CASE("generated UUIDs are version 7 with the RFC 9562 variant") {
    const auto id = generate_uuid_v7();
    CHECK(id.version() == 7);
    CHECK((id.bytes[8] & 0xC0) == 0x80);
    const auto text = id.to_string();
    CHECK(text.size() == 36);
    CHECK(text[14] == '7');
    CHECK(text.find_first_of("ABCDEF") == std::string::npos);
}

TEST_CASE("UUIDv7 carries the current Unix millisecond timestamp") {
    const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const auto id = generate_uuid_v7();
    std::int64_t ms = 0;
    for (int i = 0; i < 6; ++i) ms = (ms << 8) | id.bytes[static_cast<std::size_t>(i)];
    CHECK(ms >= before);
    CHECK(ms <= before + 1000);
}

TEST_CASE("UUIDv7 is strictly increasing within one process, even within a millisecond") {
    std::vector<Uuid> ids;
    for (int i = 0; i < 20000; ++i) ids.push_back(generate_uuid_v7());
    for (std::size_t i = 1; i < ids.size(); ++i) {
        REQUIRE(ids[i - 1] < ids[i]);
        REQUIRE(ids[i - 1].to_string() < ids[i].to_string());
    }
}

TEST_CASE("UUIDv7 generated from many threads are unique") {
    std::vector<std::vector<Uuid>> per_thread(8);
    std::vector<std::thread> threads;
    for (auto& bucket : per_thread) {
        threads.emplace_back([&bucket] {
            for (int i = 0; i < 2000; ++i) bucket.push_back(generate_uuid_v7());
        });
    }
    for (auto& t : threads) t.join();
    std::set<Uuid> all;
    for (const auto& bucket : per_thread) all.insert(bucket.begin(), bucket.end());
    CHECK(all.size() == 16000);
}

TEST_CASE("parse_uuid accepts canonical text and round-trips") {
    const auto id = generate_uuid_v7();
    CHECK(parse_uuid(id.to_string()) == id);
    const auto upper = parse_uuid("0190A5B4-7C3D-7E8F-9A0B-1C2D3E4F5A6B");
    REQUIRE(upper);
    CHECK(upper->to_string() == "0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b");
}

TEST_CASE("append_to writes the canonical text after what the string already holds") {
    const auto id = parse_uuid("0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b").value();
    std::string out = R"({"id":")";
    id.append_to(out);
    out += "\",";
    id.append_to(out);
    CHECK(out ==
          R"({"id":"0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b",0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b)");
}

TEST_CASE("parse_uuid rejects anything but the canonical form") {
    for (const char* bad :
         {"", "0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6", "0190a5b47c3d7e8f9a0b1c2d3e4f5a6b",
          "{0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b}", "0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6g",
          "0190a5b4_7c3d-7e8f-9a0b-1c2d3e4f5a6b", "0190a5b4-7c3d-7e8f-9a0b-1c2d3e4f5a6b ",
          "not-a-uuid"}) {
        INFO(bad);
        CHECK_FALSE(parse_uuid(bad));
    }
}

TEST_CASE("a forked child never repeats the parent's buffered random bytes") {
    (void)generate_uuid_v7();  // the parent's per-thread random buffer is now filled
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const auto id = generate_uuid_v7().to_string();
        const auto written = write(fds[1], id.data(), id.size());
        _exit(written == static_cast<ssize_t>(id.size()) ? 0 : 1);
    }
    const auto mine = generate_uuid_v7().to_string();
    std::string theirs(36, '\0');
    REQUIRE(read(fds[0], theirs.data(), theirs.size()) == 36);
    int status = 0;
    waitpid(child, &status, 0);
    close(fds[0]);
    close(fds[1]);
    CHECK(WIFEXITED(status));
    // The same millisecond is likely, so the random parts are what must differ.
    CHECK(mine.substr(19) != theirs.substr(19));
}
