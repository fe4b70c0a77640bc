// SPDX-License-Identifier: GPL-3.0-or-later
// csv_limit: the practical limit for fastmap's file-to-file path, written by hand for the
// benchmark. It maps the CSV file, cuts it into one chunk per thread at line boundaries, and on
// each thread parses the numeric fields with std::from_chars, computes geo.haversine or math.sqrt
// exactly as the plugins do (range checks included: a bad element gets an empty output, as in
// fastmap) and formats each result with std::to_chars (shortest round trip) into the thread's own
// buffer. The buffers are then written in input order. No queue, no batches, no store: nothing a
// general tool needs beyond the work itself. bench/e2e.sh runs it beside fastmap-cli (see --help there).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numbers>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

enum class Kind { Haversine, Sqrt };

struct Options
{
    Kind kind = Kind::Haversine;
    std::string input;
    std::string output;
    int threads = 2;
    double radiusKm = 6371.0088; // geo.haversine's default: the Earth's mean radius (IUGG)
    bool timings = false;
};

[[noreturn]] void die(const std::string &message)
{
    std::fprintf(stderr, "csv_limit: %s\n", message.c_str());
    std::exit(1);
}

void usage(FILE *to)
{
    std::fputs(
        "usage: csv_limit haversine|sqrt INPUT.csv OUTPUT.csv [--threads N] [--radius-km R] [--timings]\n"
        "  haversine: columns lat1,lon1,lat2,lon2 (by header name) -> km\n"
        "  sqrt:      column x (or the only column) -> sqrt\n"
        "  --threads N: chunks, one thread each (default 2)\n"
        "  --timings:   print the wall time of each phase on stderr\n",
        to);
}

Options parseOptions(int argc, char **argv)
{
    Options o;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const auto value = [&]() -> std::string_view {
            if (i + 1 >= argc)
                die(std::string(a) + " needs a value");
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            usage(stdout);
            std::exit(0);
        } else if (a == "--threads" || a == "-j") {
            const std::string_view v = value();
            const auto r = std::from_chars(v.data(), v.data() + v.size(), o.threads);
            if (r.ec != std::errc() || r.ptr != v.data() + v.size() || o.threads < 1 || o.threads > 256)
                die("--threads wants a whole number from 1 to 256, not '" + std::string(v) + "'");
        } else if (a == "--timings") {
            o.timings = true;
        } else if (a == "--radius-km") {
            const std::string_view v = value();
            const auto r = std::from_chars(v.data(), v.data() + v.size(), o.radiusKm);
            if (r.ec != std::errc() || r.ptr != v.data() + v.size() || !(o.radiusKm > 0))
                die("--radius-km wants a number greater than 0, not '" + std::string(v) + "'");
        } else if (a.size() > 1 && a[0] == '-') {
            usage(stderr);
            die("unknown option " + std::string(a));
        } else {
            positional.emplace_back(a);
        }
    }
    if (positional.size() != 3) {
        usage(stderr);
        std::exit(2);
    }
    if (positional[0] == "haversine")
        o.kind = Kind::Haversine;
    else if (positional[0] == "sqrt")
        o.kind = Kind::Sqrt;
    else
        die("unknown function '" + positional[0] + "' (haversine or sqrt)");
    o.input = positional[1];
    o.output = positional[2];
    return o;
}

// The input, mapped read-only: the threads fault their own pages in, in parallel, and nothing is copied.
class MappedFile
{
public:
    explicit MappedFile(const std::string &path)
    {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            die("cannot open " + path + ": " + std::strerror(errno));
        struct stat st
        {
        };
        if (::fstat(fd, &st) != 0)
            die("cannot stat " + path + ": " + std::strerror(errno));
        m_size = std::size_t(st.st_size);
        if (m_size > 0) {
            void *p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED)
                die("cannot map " + path + ": " + std::strerror(errno));
            m_data = static_cast<const char *>(p);
            ::madvise(p, m_size, MADV_SEQUENTIAL);
        }
        ::close(fd);
    }
    ~MappedFile()
    {
        if (m_data)
            ::munmap(const_cast<char *>(m_data), m_size);
    }
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const char *begin() const { return m_data; }
    const char *end() const { return m_data + m_size; }

private:
    const char *m_data = nullptr;
    std::size_t m_size = 0;
};

// Where each of the function's inputs is in a record.
struct Layout
{
    int columns = 0;
    std::vector<int> inputOf; // per record column: the function input it feeds, or -1
    int inputs = 0;
};

std::string_view trimHeaderName(std::string_view name)
{
    if (!name.empty() && name.back() == '\r')
        name.remove_suffix(1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
        name = name.substr(1, name.size() - 2);
    return name;
}

Layout layoutFor(Kind kind, std::string_view header)
{
    std::vector<std::string_view> names;
    for (std::size_t start = 0;;) {
        const std::size_t comma = header.find(',', start);
        names.push_back(trimHeaderName(header.substr(start, comma - start)));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    Layout layout;
    layout.columns = int(names.size());
    layout.inputOf.assign(names.size(), -1);
    const std::vector<std::string_view> wanted =
        kind == Kind::Haversine ? std::vector<std::string_view>{"lat1", "lon1", "lat2", "lon2"}
                                : std::vector<std::string_view>{"x"};
    layout.inputs = int(wanted.size());
    for (int w = 0; w < int(wanted.size()); ++w) {
        const auto it = std::find(names.begin(), names.end(), wanted[std::size_t(w)]);
        if (it != names.end()) {
            layout.inputOf[std::size_t(it - names.begin())] = w;
        } else if (kind == Kind::Sqrt && names.size() == 1) {
            layout.inputOf[0] = 0; // like fastmap: a one-input function takes a one-column file as is
        } else {
            die("the header has no column '" + std::string(wanted[std::size_t(w)]) + "'");
        }
    }
    return layout;
}

// geo.haversine's maths, from plugins/geo_haversine: NaN fails the range check too.
bool haversine(const double *in, double radiusKm, double *km)
{
    if (!(in[0] >= -90.0 && in[0] <= 90.0) || !(in[1] >= -180.0 && in[1] <= 180.0) ||
        !(in[2] >= -90.0 && in[2] <= 90.0) || !(in[3] >= -180.0 && in[3] <= 180.0))
        return false;
    constexpr double toRadians = std::numbers::pi / 180.0;
    const double lat1 = in[0] * toRadians;
    const double lon1 = in[1] * toRadians;
    const double lat2 = in[2] * toRadians;
    const double lon2 = in[3] * toRadians;
    const double sinHalfDLat = std::sin((lat2 - lat1) / 2);
    const double sinHalfDLon = std::sin((lon2 - lon1) / 2);
    double a = sinHalfDLat * sinHalfDLat + std::cos(lat1) * std::cos(lat2) * sinHalfDLon * sinHalfDLon;
    a = std::clamp(a, 0.0, 1.0);
    *km = radiusKm * (2 * std::atan2(std::sqrt(a), std::sqrt(1 - a)));
    return true;
}

// One thread's share: whole lines in, formatted results out.
struct Chunk
{
    const char *begin = nullptr;
    const char *end = nullptr;
    std::string out;
    std::size_t used = 0; // bytes of `out` written
    long long rows = 0;
    long long failed = 0;
    long long firstFailedRow = -1; // within the chunk
};

// Parses one record's fields into `values`; false if a field is missing, empty or not a number.
bool parseRecord(const char *p, const char *lineEnd, const Layout &layout, double *values)
{
    for (int c = 0; c < layout.columns; ++c) {
        const char *fieldEnd = static_cast<const char *>(std::memchr(p, ',', std::size_t(lineEnd - p)));
        const bool last = c == layout.columns - 1;
        if (last ? fieldEnd != nullptr : fieldEnd == nullptr)
            return false; // too many or too few fields
        if (!fieldEnd)
            fieldEnd = lineEnd;
        const int input = layout.inputOf[std::size_t(c)];
        if (input >= 0) {
            const auto r = std::from_chars(p, fieldEnd, values[input]);
            if (r.ec != std::errc() || r.ptr != fieldEnd)
                return false;
        }
        p = fieldEnd + 1;
    }
    return true;
}

void processChunk(Chunk &chunk, Kind kind, const Layout &layout, double radiusKm)
{
    // About one output byte for every two input bytes; grown if that is short.
    chunk.out.resize(std::size_t(chunk.end - chunk.begin) / 2 + 64);
    double values[4] = {};
    const char *p = chunk.begin;
    while (p < chunk.end) {
        const char *nl = static_cast<const char *>(std::memchr(p, '\n', std::size_t(chunk.end - p)));
        const char *next = nl ? nl + 1 : chunk.end;
        const char *lineEnd = nl ? nl : chunk.end;
        if (lineEnd > p && lineEnd[-1] == '\r')
            --lineEnd;
        if (lineEnd == p) { // a blank line is no record
            p = next;
            continue;
        }
        if (chunk.out.size() - chunk.used < 40)
            chunk.out.resize(chunk.out.size() * 2);
        char *o = chunk.out.data() + chunk.used;
        double result = 0;
        bool ok = parseRecord(p, lineEnd, layout, values);
        if (ok) {
            if (kind == Kind::Haversine) {
                ok = haversine(values, radiusKm, &result);
            } else {
                ok = values[0] >= 0; // NaN and negatives fail, as in math.sqrt
                result = std::sqrt(values[0]);
            }
        }
        if (ok) {
            o = std::to_chars(o, o + 32, result).ptr;
        } else {
            if (chunk.firstFailedRow < 0)
                chunk.firstFailedRow = chunk.rows;
            ++chunk.failed;
        }
        *o++ = '\n';
        chunk.used = std::size_t(o - chunk.out.data());
        ++chunk.rows;
        p = next;
    }
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void writeAll(int fd, const char *data, std::size_t size, const std::string &path)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("cannot write " + path + ": " + std::strerror(errno));
        }
        data += n;
        size -= std::size_t(n);
    }
}

} // namespace

int main(int argc, char **argv)
{
    const auto start = std::chrono::steady_clock::now();
    const Options o = parseOptions(argc, argv);
    const MappedFile file(o.input);
    const char *const begin = file.begin();
    const char *const end = file.end();
    if (begin == end)
        die(o.input + " is empty: it needs a header line");
    const char *headerEnd = static_cast<const char *>(std::memchr(begin, '\n', std::size_t(end - begin)));
    const char *const dataBegin = headerEnd ? headerEnd + 1 : end;
    const Layout layout =
        layoutFor(o.kind, std::string_view(begin, std::size_t((headerEnd ? headerEnd : end) - begin)));

    // Cut at about equal byte offsets, each moved on to the start of the next line.
    std::vector<Chunk> chunks(std::size_t(o.threads));
    const char *cut = dataBegin;
    for (int t = 0; t < o.threads; ++t) {
        Chunk &c = chunks[std::size_t(t)];
        c.begin = cut;
        if (t == o.threads - 1) {
            c.end = end;
        } else {
            const char *target = dataBegin + (end - dataBegin) * (t + 1) / o.threads;
            target = std::max(target, cut);
            const void *nl = std::memchr(target, '\n', std::size_t(end - target));
            c.end = nl ? static_cast<const char *>(nl) + 1 : end;
        }
        cut = c.end;
    }

    const double mapped = secondsSince(start);
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < chunks.size(); ++t)
        threads.emplace_back(processChunk, std::ref(chunks[t]), o.kind, std::cref(layout), o.radiusKm);
    processChunk(chunks[0], o.kind, layout, o.radiusKm);
    for (std::thread &t : threads)
        t.join();
    const double computed = secondsSince(start);

    const int fd = ::open(o.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("cannot create " + o.output + ": " + std::strerror(errno));
    const std::string header = o.kind == Kind::Haversine ? "km\n" : "sqrt\n";
    writeAll(fd, header.data(), header.size(), o.output);
    long long rows = 0, failed = 0, firstFailed = -1;
    for (const Chunk &c : chunks) {
        writeAll(fd, c.out.data(), c.used, o.output);
        if (firstFailed < 0 && c.firstFailedRow >= 0)
            firstFailed = rows + c.firstFailedRow;
        rows += c.rows;
        failed += c.failed;
    }
    if (::close(fd) != 0)
        die("cannot write " + o.output + ": " + std::strerror(errno));
    if (o.timings)
        std::fprintf(stderr, "csv_limit: map %.3f s, parse+compute+format %.3f s, write %.3f s\n", mapped,
                     computed - mapped, secondsSince(start) - computed);
    if (failed > 0)
        std::fprintf(stderr,
                     "csv_limit: %lld of %lld elements failed (empty output), the first at element %lld\n",
                     failed, rows, firstFailed);
    return 0;
}
