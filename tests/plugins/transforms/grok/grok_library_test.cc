// Tests of the built-in pattern library (conf/patterns): it loads cleanly, every pattern
// compiles, every pattern has examples, and the examples match (or not) as documented.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grok_compiler.h"
#include "grok_matcher.h"
#include "test_paths.h"

namespace pyrolog::grok {
namespace {

namespace fs = std::filesystem;

const GrokPatternSet& library() {
  static const GrokPatternSet* const set = [] {
    auto* s = new GrokPatternSet;
    s->load_directory(test::patterns_dir());
    return s;
  }();
  return *set;
}

// ---- Building blocks: the whole text must (or must not) match ^%{NAME}$ --------------------

struct BlockExamples {
  const char* name;
  std::vector<std::string> matching;
  std::vector<std::string> not_matching;
};

const std::vector<BlockExamples>& block_examples() {
  static const std::vector<BlockExamples> examples = {
      // base: numbers
      {"INT", {"0", "-12", "+7", "0042"}, {"", "1.5", "a1", "--1"}},
      {"NONNEGINT", {"0", "17"}, {"-1", "1a"}},
      {"POSINT", {"1", "65535"}, {"0", "01", "-1"}},
      {"BASE10NUM", {"3", "-0.5", ".25", "+10.0"}, {"1.", "abc", "1.2.3"}},
      {"NUMBER", {"3", "-0.5", "12.75"}, {"1e5", "x"}},
      {"BASE16NUM", {"0x1F", "dead", "-0XFF"}, {"0xg", "x1"}},
      {"BASE16FLOAT", {"0x1.8", "ff.f", ".8"}, {"0x", "g"}},
      // base: text
      {"WORD", {"abc_1", "X"}, {"a b", "a-b", ""}},
      {"NOTSPACE", {"a-b/c", "[x]"}, {"a b", ""}},
      {"SPACE", {"", "  \t"}, {"x"}},
      {"DATA", {"", "anything at all"}, {}},
      {"GREEDYDATA", {"", "anything at all"}, {}},
      {"GREEDYDATA_TRIMMED", {"", "abc", "a b"}, {"abc ", " "}},
      {"QUOTEDSTRING", {R"("a \"b\"")", "'c'", "`d`", R"("")"}, {R"("abc)", R"("a"b")", "abc"}},
      {"QS", {R"("x y")"}, {"x y"}},
      {"UUID",
       {"123e4567-e89b-12d3-a456-426614174000"},
       {"123e4567-e89b-12d3-a456-42661417400", "123e4567e89b12d3a456426614174000"}},
      {"URN", {"urn:isbn:0451450523", "urn:ietf:rfc:2648"}, {"urn:isbn", "url:x:y"}},
      // base: network
      {"CISCOMAC", {"0023.45ab.cdef"}, {"0023.45ab"}},
      {"WINDOWSMAC", {"00-23-45-AB-CD-EF"}, {"00-23-45-AB-CD"}},
      {"COMMONMAC", {"00:23:45:ab:cd:ef"}, {"00:23:45:ab:cd:eg"}},
      {"MAC",
       {"0023.45ab.cdef", "00-23-45-AB-CD-EF", "00:23:45:ab:cd:ef"},
       {"00:23:45:ab:cd", "0023-45ab-cdef"}},
      {"IPV4OCTET", {"0", "9", "99", "199", "255"}, {"256", "01"}},
      {"IPV4",
       {"192.168.0.1", "0.0.0.0", "255.255.255.255"},
       {"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4"}},
      {"IPV6H16", {"0", "ffff"}, {"fffff", "g"}},
      {"IPV6LS32", {"ffff:1", "192.0.2.1"}, {"1:2:3"}},
      {"IPV6",
       {"::", "::1", "1::", "fe80::1", "2001:db8::1", "2001:db8:0:0:0:0:2:1",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::ffff:192.0.2.128", "1:2:3:4:5:6:7::", "1::8",
        "::2:3:4:5:6:7:8", "fe80::1%eth0", "64:ff9b::192.0.2.33"},
       {"1:2:3:4:5:6:7:8:9", ":::", "1::2::3", "12345::", "g::1", "1.2.3.4", "1:2", "1:2:3:4:5:6:7"}},
      {"IP", {"10.1.2.3", "2001:db8::1"}, {"1.2.3.256", "example.com"}},
      {"HOSTNAME", {"web-01.example.com", "localhost", "example.com.", "a_b.c"}, {"-bad", "a..b", "a b", ""}},
      {"HOST", {"db1.internal"}, {"db 1"}},
      {"IPORHOST", {"10.1.2.3", "::1", "db1.internal"}, {"db1 internal"}},
      {"HOSTPORT", {"example.com:8080", "10.0.0.1:443"}, {"example.com:", "example.com:0"}},
      // base: paths and URIs
      {"UNIXPATH", {"/var/log/messages", "/", "/a/b~c/d.e", "/srv/app:1.2/x@y"}, {"var/log", "/a b", "/a,b"}},
      {"WINPATH",
       {"C:\\Windows\\system32", "\\\\server\\share\\x", "D:\\Program Files\\x.exe"},
       {"C:", "/unix"}},
      {"PATH", {"/var/log", "C:\\x"}, {"x"}},
      {"TTY", {"/dev/pts/3", "/dev/tty1"}, {"/dev/", "/tmp/x"}},
      {"URIPROTO", {"http", "svn+ssh", "coap.tcp"}, {"1http", "h p"}},
      {"URIHOST", {"example.com:8080", "10.0.0.1", "example.com"}, {"example.com:x"}},
      {"URIPATH", {"/a/b%20c/d;x=1", "/", "/~u/(x)"}, {"a/b", "/a b", "/a?b"}},
      {"URIPARAM", {"?q=1&r=a%20b", "?", "?a[]=1|2"}, {"q=1", "?a b", "?a#b"}},
      {"URIPATHPARAM", {"/search?q=grok", "/x"}, {"search?q=grok"}},
      {"URI",
       {"https://user:pw@example.com:8443/a/b?c=d", "http://example.com", "file:///etc/hosts",
        "ftp://10.0.0.1/pub"},
       {"example.com/path", "http//x", "http://exa mple.com"}},
      // base: users and levels
      {"USERNAME", {"jane.doe", "svc-backup$", "a+b"}, {"jane doe", "a@b"}},
      {"USER", {"root"}, {"r t"}},
      {"EMAILLOCALPART", {"jane.doe+logs", "a!b"}, {"a..b", ".a"}},
      {"EMAILADDRESS", {"jane.doe+logs@example.com", "x@localhost"}, {"jane@", "@example.com", "a..b@x.com"}},
      {"LOGLEVEL",
       {"INFO", "warn", "Warning", "ERR", "error", "CRITICAL", "debug", "TRACE", "notice", "FATAL", "emerg",
        "severe", "finest", "information", "Alert", "panic"},
       {"INF0", "warnings", "informational", "ok"}},
      // datetime
      {"MONTH", {"Jan", "january", "SEPT", "Sep", "May", "June", "Jun"}, {"Janu", "Mayo", "Foo"}},
      {"MONTHNUM", {"1", "09", "12"}, {"13", "0", "00"}},
      {"MONTHNUM2", {"01", "12"}, {"1", "13"}},
      {"MONTHDAY", {"1", "09", "31"}, {"32", "0"}},
      {"MONTHDAY2", {"01", "31"}, {"1", "32"}},
      {"DAY", {"Mon", "tuesday", "THU", "Tues", "Sun"}, {"Mo", "Mondays"}},
      {"YEAR", {"2015", "15"}, {"215", "20155"}},
      {"YEAR4", {"2015"}, {"15"}},
      {"YEAR2", {"15"}, {"2015"}},
      {"HOUR", {"0", "09", "23"}, {"24"}},
      {"HOUR2", {"00", "23"}, {"7", "24"}},
      {"MINUTE", {"00", "59"}, {"60", "5"}},
      {"SECOND", {"07", "7", "59.123", "01,5", "60"}, {"61", "7."}},
      {"ISO8601_SECOND", {"07.5"}, {"99"}},
      {"TIME", {"7:05", "18:01:47,978", "23:59:60", "00:00:00.000001"}, {"24:00", "12:60", "12:5"}},
      {"TIME_MS", {"16:13:38.811", "18:01:47,978"}, {"16:13:38", "16:13:38.81"}},
      {"DATE_US", {"10/18/2015", "3-7-15"}, {"13/18/2015", "10.18.2015"}},
      {"DATE_EU", {"18.10.2015", "18/10/15"}, {"32.10.2015"}},
      {"DATE", {"10/18/2015", "18.10.2015"}, {"2015-10-18"}},
      {"ISO8601_DATE", {"2015-10-18"}, {"2015-1-18", "15-10-18"}},
      {"DATE_YMD_SHORT", {"17/06/09"}, {"2017/06/09", "17/13/09"}},
      {"COMPACT_DATE", {"081109"}, {"081309", "81109"}},
      {"COMPACT_TIME", {"203615", "000000"}, {"246000", "20361"}},
      {"ANDROID_DATE", {"03-17"}, {"3-17", "13-17"}},
      {"ISO8601_TIMEZONE", {"Z", "+02:00", "-0500", "+01"}, {"+2", "UTC"}},
      {"TIMESTAMP_ISO8601",
       {"2015-10-18T18:01:47.978Z", "2015-10-18 18:01:47,978 +0200", "2015-10-18T18:01",
        "2015-10-18T18:01:47+02:00"},
       {"2015-10-18", "2015/10/18 18:01:47"}},
      {"TZ", {"UTC", "CEST", "PDT"}, {"XYZT", "utc"}},
      {"DATESTAMP", {"10/18/2015 18:01:47", "18.10.2015-18:01"}, {"2015-10-18 18:01:47"}},
      {"DATESTAMP_RFC822", {"Sun Oct 18 2015 18:01:47 UTC"}, {"Sun Oct 18 2015 18:01:47"}},
      {"DATESTAMP_RFC2822", {"Sun, 18 Oct 2015 18:01:47 +0000"}, {"Sun, 18 Oct 2015 18:01:47 GMT"}},
      {"DATESTAMP_OTHER", {"Sun Oct 18 18:01:47 UTC 2015"}, {"Sun Oct 18 18:01:47 2015"}},
      {"DATESTAMP_EVENTLOG", {"20151018180147"}, {"2015101818014"}},
      {"SYSLOGTIMESTAMP", {"Jun 14 15:16:01", "Jul  7 08:06:15"}, {"Jun 14 2015", "14 Jun 15:16:01"}},
      {"HTTPDATE",
       {"18/Oct/2015:18:01:47 +0200", "10/Oct/2000:13:55:36 -0700"},
       {"18/Oct/2015 18:01:47", "18/10/2015:18:01:47 +0200"}},
      {"HTTPDERROR_DATE",
       {"Sun Dec 04 04:47:44 2005", "Wed Oct 11 14:32:52.123456 2000"},
       {"Dec 04 04:47:44 2005"}},
      {"TIMESTAMP_LOG4J", {"2015-10-18 18:01:47,978", "2015-10-18T18:01:47.978"}, {"2015-10-18 18:01:47"}},
      {"TOMCAT_DATESTAMP", {"2014-01-09 20:03:28,269 -0800"}, {"2014-01-09 20:03:28,269"}},
      {"CATALINA_DATESTAMP", {"Jan 9, 2014 7:13:13 AM"}, {"Jan 9 2014 7:13:13 AM"}},
      {"TIMESTAMP_COMPACT", {"081109 203615"}, {"081109203615"}},
      {"TIMESTAMP_ANDROID", {"03-17 16:13:38.811"}, {"03-17 16:13:38"}},
      // http
      {"HTTPDUSER", {"-", "frank", "jane@example.com"}, {"a b", ""}},
      {"HTTPD_QUOTED", {"", "a b", R"(a \"q\" b)"}, {R"(a"b)"}},
      {"USERAGENT", {"Mozilla/5.0 (X11; Linux x86_64)", ""}, {"a\"b"}},
      {"UA_PRODUCT", {"Mozilla/5.0", "curl/8.1.2", "Googlebot"}, {"(x)", "a b"}},
      {"UA_COMMENT", {"(Windows NT 10.0; Win64; x64)", "(KHTML, like Gecko)", "(a (b) c)"}, {"(a", "x"}},
      {"UA_PRODUCTS",
       {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"},
       {"(X11) Mozilla/5.0"}},
      // syslog
      {"PROG", {"sshd", "postfix/smtpd", "sshd(pam_unix)"}, {"a b", "x[1]", "a:b"}},
      {"SYSLOGPROG", {"sshd[24200]", "cron"}, {"sshd[x]"}},
      {"SYSLOGHOST", {"combo", "10.0.0.1"}, {"com bo"}},
      {"SYSLOGFACILITY", {"<4.6>"}, {"<4>"}},
      {"SYSLOGPRI", {"<34>"}, {"<x>"}},
      {"SYSLOGBASE",
       {"Jun 14 15:16:01 combo sshd[19939]:", "Jun 14 15:16:01 <4.6> combo kernel:"},
       {"Jun 14 15:16:01 combo"}},
      {"SYSLOG5424PRINTASCII", {"evntslog"}, {"a b"}},
      {"SYSLOG5424SD",
       {R"([exampleSDID@32473 iut="3" eventSource="Application"])", R"([a x="\]"][b])"},
       {"[a", "x"}},
      // java
      {"JAVACLASS", {"org.apache.hadoop.Foo$Bar", "Foo", "dfs.DataNode$PacketResponder"}, {"1abc", "a..b"}},
      {"JAVAMETHOD", {"run", "<init>", "lambda$main$0"}, {"1x"}},
      {"JAVAFILE", {"Foo.java", "Unknown Source", "Native Method"}, {"a:b"}},
      {"JAVATHREAD", {"main", "IPC Server handler 6 on 62270"}, {"a]b", ""}},
      {"JAVALOGMESSAGE", {"", "any text"}, {}},
      {"JAVASTACKTRACEPART",
       {"\tat org.example.Foo.bar(Foo.java:42)", "    at java.lang.Thread.run(Unknown Source)",
        "at Foo.<init>(Native Method)"},
       {"at Foo(Foo.java:1)", "org.example.Foo.bar(Foo.java:42)"}},
      // android
      {"ANDROID_LEVEL", {"D", "E"}, {"X", "DD"}},
      {"ANDROID_TAG", {"WindowManager", "My Tag"}, {"a:b", ""}},
      // haproxy
      {"HAPROXYDATE", {"06/Feb/2009:12:14:14.655", "06/Feb/2009:12:14:14"}, {"6/Feb/2009:12:14:14.655"}},
      {"HAPROXY_NAME", {"http-in", "fe~"}, {"a/b", "a b"}},
      {"HAPROXY_TERMSTATE", {"----", "CD--", "SH-N"}, {"---", "-----"}},
      {"HAPROXY_TERMSTATE_TCP", {"--", "CD"}, {"-"}},
      {"HAPROXY_HEADERS", {"1wt.eu|Mozilla", ""}, {"a}b"}},
      {"HAPROXY_CONNECTION",
       {"10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1"},
       {"10.0.1.2:33317 http-in static/srv1"}},
      {"HAPROXY_SYSLOGHEADER", {"Feb  6 12:14:14 localhost haproxy[14389]:"}, {"Feb  6 12:14:14 localhost"}},
      {"HAPROXYHTTPBASE",
       {R"(10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 )"
        R"(10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET )"
        R"(/index.html HTTP/1.1")"},
       {R"(10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 )"
        R"(10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0)"}},
      {"HAPROXYTCPBASE",
       {"10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0"},
       {"10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 --"}},
  };
  return examples;
}

// ---- Whole-line patterns: fields captured from example lines -------------------------------

using Fields = std::map<std::string, std::string>;

struct LineExample {
  const char* pattern;
  std::string line;
  Fields fields;  // all captured fields, exactly
};

const std::vector<LineExample>& line_examples() {
  static const std::vector<LineExample> examples = {
      {"COMMONAPACHELOG",
       R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326)",
       {{"clientip", "127.0.0.1"},
        {"ident", "-"},
        {"auth", "frank"},
        {"timestamp", "10/Oct/2000:13:55:36 -0700"},
        {"verb", "GET"},
        {"request", "/apache_pb.gif"},
        {"httpversion", "1.0"},
        {"response", "200"},
        {"bytes", "2326"}}},
      {"HTTPD_COMMONLOG",
       R"(proxy.example.net - - [18/Oct/2015:18:01:47 +0000] "GARBAGE" 400 -)",
       {{"clientip", "proxy.example.net"},
        {"ident", "-"},
        {"auth", "-"},
        {"timestamp", "18/Oct/2015:18:01:47 +0000"},
        {"rawrequest", "GARBAGE"},
        {"response", "400"}}},
      {"COMBINEDAPACHELOG",
       R"(203.0.113.9 - jane@example.com [18/Oct/2015:18:01:47 +0200] "POST )"
       R"(/api/v1/items?id=7 HTTP/1.1" 201 512 "https://example.com/start" )"
       R"("Mozilla/5.0 (X11; Linux x86_64) Firefox/119.0")",
       {{"clientip", "203.0.113.9"},
        {"ident", "-"},
        {"auth", "jane@example.com"},
        {"timestamp", "18/Oct/2015:18:01:47 +0200"},
        {"verb", "POST"},
        {"request", "/api/v1/items?id=7"},
        {"httpversion", "1.1"},
        {"response", "201"},
        {"bytes", "512"},
        {"referrer", "https://example.com/start"},
        {"agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/119.0"}}},
      {"HTTPD_COMBINEDLOG",
       R"(2001:db8::1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/2.0" 304 0 "-" "curl/8.1.2")",
       {{"clientip", "2001:db8::1"},
        {"ident", "-"},
        {"auth", "-"},
        {"timestamp", "01/Jan/2024:00:00:00 +0000"},
        {"verb", "GET"},
        {"request", "/"},
        {"httpversion", "2.0"},
        {"response", "304"},
        {"bytes", "0"},
        {"agent", "curl/8.1.2"}}},
      {"NGINXACCESS",
       R"(192.0.2.10 - - [25/Oct/2016:14:49:34 +0000] "GET /favicon.ico )"
       R"(HTTP/1.1" 404 571 "http://localhost:8080/" "Mozilla/5.0 \"quoted\"" )"
       R"("198.51.100.7")",
       {{"clientip", "192.0.2.10"},
        {"ident", "-"},
        {"auth", "-"},
        {"timestamp", "25/Oct/2016:14:49:34 +0000"},
        {"verb", "GET"},
        {"request", "/favicon.ico"},
        {"httpversion", "1.1"},
        {"response", "404"},
        {"bytes", "571"},
        {"referrer", "http://localhost:8080/"},
        {"agent", R"(Mozilla/5.0 \"quoted\")"},
        {"x_forwarded_for", "198.51.100.7"}}},
      {"NGINXERROR",
       R"(2016/10/25 14:49:34 [error] 54053#0: *1 open() )"
       R"("/usr/share/nginx/html/favicon.ico" failed (2: No such file or )"
       R"(directory), client: 127.0.0.1, server: localhost)",
       {{"timestamp", "2016/10/25 14:49:34"},
        {"loglevel", "error"},
        {"pid", "54053"},
        {"tid", "0"},
        {"connection_id", "1"},
        {"message", R"(open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or )"
                    R"(directory), client: 127.0.0.1, server: localhost)"}}},
      {"NGINXERROR",
       "2016/10/25 14:50:01 [notice] 1#1: signal process started",
       {{"timestamp", "2016/10/25 14:50:01"},
        {"loglevel", "notice"},
        {"pid", "1"},
        {"tid", "1"},
        {"message", "signal process started"}}},
      {"HTTPD20_ERRORLOG",
       "[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /var/www/favicon.ico",
       {{"timestamp", "Sun Dec 04 04:47:44 2005"},
        {"loglevel", "error"},
        {"clientip", "1.2.3.4"},
        {"message", "File does not exist: /var/www/favicon.ico"}}},
      {"HTTPD20_ERRORLOG",
       "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
       {{"timestamp", "Sun Dec 04 04:47:44 2005"},
        {"loglevel", "notice"},
        {"message", "workerEnv.init() ok /etc/httpd/conf/workers2.properties"}}},
      {"HTTPD24_ERRORLOG",
       "[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client "
       "72.15.99.187:41234] AH00128: File does not exist: /usr/local/apache2/htdocs/favicon.ico",
       {{"timestamp", "Wed Oct 11 14:32:52.123456 2000"},
        {"module", "core"},
        {"loglevel", "error"},
        {"pid", "35708"},
        {"tid", "4328636416"},
        {"clientip", "72.15.99.187"},
        {"clientport", "41234"},
        {"errorcode", "AH00128"},
        {"message", "File does not exist: /usr/local/apache2/htdocs/favicon.ico"}}},
      {"HTTPD24_ERRORLOG",
       "[Thu May 12 08:28:57.652118 2011] [:error] [pid 8777] PHP Warning:  something odd",
       {{"timestamp", "Thu May 12 08:28:57.652118 2011"},
        {"loglevel", "error"},
        {"pid", "8777"},
        {"message", "PHP Warning:  something odd"}}},
      {"HTTPD_ERRORLOG",
       "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
       {{"timestamp", "Sun Dec 04 04:47:44 2005"},
        {"loglevel", "error"},
        {"message", "mod_jk child workerEnv in error state 6"}}},
      {"HTTPD_ERRORLOG",
       "[Wed Oct 11 14:32:52 2000] [ssl:warn] [pid 1] AH01909: server certificate does NOT include an ID",
       {{"timestamp", "Wed Oct 11 14:32:52 2000"},
        {"module", "ssl"},
        {"loglevel", "warn"},
        {"pid", "1"},
        {"errorcode", "AH01909"},
        {"message", "server certificate does NOT include an ID"}}},
      {"SYSLOGLINE",
       "<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick on /dev/pts/8",
       {{"priority", "34"},
        {"timestamp", "Oct 11 22:14:15"},
        {"logsource", "mymachine"},
        {"program", "su"},
        {"pid", "230"},
        {"message", "'su root' failed for lonvick on /dev/pts/8"}}},
      {"SYSLOGLINE",
       "Jun 19 04:09:11 combo syslogd 1.4.1: restart.",
       {{"timestamp", "Jun 19 04:09:11"}, {"logsource", "combo"}, {"message", "syslogd 1.4.1: restart."}}},
      {"SYSLOGLINE",
       "2023-11-20T10:00:00.123+01:00 host1 app: hello world",
       {{"timestamp", "2023-11-20T10:00:00.123+01:00"},
        {"logsource", "host1"},
        {"program", "app"},
        {"message", "hello world"}}},
      {"SYSLOG5424LINE",
       R"(<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 )"
       R"([exampleSDID@32473 iut="3" eventSource="Application"] An application )"
       R"(event log entry)",
       {{"priority", "165"},
        {"version", "1"},
        {"timestamp", "2003-10-11T22:14:15.003Z"},
        {"logsource", "mymachine.example.com"},
        {"program", "evntslog"},
        {"msgid", "ID47"},
        {"structured_data", R"([exampleSDID@32473 iut="3" eventSource="Application"])"},
        {"message", "An application event log entry"}}},
      {"SYSLOG5424LINE", "<34>1 - - - - - -", {{"priority", "34"}, {"version", "1"}}},
      {"HAPROXYHTTP",
       R"(Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 )"
       R"([06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750)"
       R"( - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1")",
       {{"syslog_timestamp", "Feb  6 12:14:14"},
        {"syslog_server", "localhost"},
        {"program", "haproxy"},
        {"pid", "14389"},
        {"client_ip", "10.0.1.2"},
        {"client_port", "33317"},
        {"accept_date", "06/Feb/2009:12:14:14.655"},
        {"frontend_name", "http-in"},
        {"backend_name", "static"},
        {"server_name", "srv1"},
        {"time_request", "10"},
        {"time_queue", "0"},
        {"time_backend_connect", "30"},
        {"time_backend_response", "69"},
        {"time_duration", "109"},
        {"http_status_code", "200"},
        {"bytes_read", "2750"},
        {"captured_request_cookie", "-"},
        {"captured_response_cookie", "-"},
        {"termination_state", "----"},
        {"actconn", "1"},
        {"feconn", "1"},
        {"beconn", "1"},
        {"srvconn", "1"},
        {"retries", "0"},
        {"srv_queue", "0"},
        {"backend_queue", "0"},
        {"captured_request_headers", "1wt.eu"},
        {"http_verb", "GET"},
        {"http_request", "/index.html"},
        {"http_version", "1.1"}}},
      {"HAPROXYTCP",
       "Feb  6 12:12:56 localhost haproxy[14387]: 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 "
       "0/0/5007 212 -- 0/0/0/0/3 0/0",
       {{"syslog_timestamp", "Feb  6 12:12:56"},
        {"syslog_server", "localhost"},
        {"program", "haproxy"},
        {"pid", "14387"},
        {"client_ip", "10.0.1.2"},
        {"client_port", "33313"},
        {"accept_date", "06/Feb/2009:12:12:51.443"},
        {"frontend_name", "fnt"},
        {"backend_name", "bck"},
        {"server_name", "srv1"},
        {"time_queue", "0"},
        {"time_backend_connect", "0"},
        {"time_duration", "5007"},
        {"bytes_read", "212"},
        {"termination_state", "--"},
        {"actconn", "0"},
        {"feconn", "0"},
        {"beconn", "0"},
        {"srvconn", "0"},
        {"retries", "3"},
        {"srv_queue", "0"},
        {"backend_queue", "0"}}},
      {"LOG4J",
       "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created "
       "MRAppMaster",
       {{"timestamp", "2015-10-18 18:01:47,978"},
        {"level", "INFO"},
        {"thread", "main"},
        {"logger", "org.apache.hadoop.mapreduce.v2.app.MRAppMaster"},
        {"message", "Created MRAppMaster"}}},
      {"LOG4J",
       "2015-10-18 18:01:47.978 [pool-1-thread-3] WARN  org.example.Bar - Slow response: 1200 ms",
       {{"timestamp", "2015-10-18 18:01:47.978"},
        {"level", "WARN"},
        {"thread", "pool-1-thread-3"},
        {"logger", "org.example.Bar"},
        {"message", "Slow response: 1200 ms"}}},
      {"ANDROID_LOGCAT",
       "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app",
       {{"timestamp", "03-17 16:13:38.811"},
        {"pid", "1702"},
        {"tid", "2395"},
        {"level", "D"},
        {"tag", "WindowManager"},
        {"message", "printFreezingDisplayLogsopening app"}}},
      // LogHub systems (see also the conformance test over the full samples)
      {"LOGHUB_ANDROID",
       "03-17 16:13:38.819  1702  8671 D PowerManagerService: acquire lock=233570404, flags=0x1, tag=\"View "
       "Lock\"",
       {{"Date", "03-17"},
        {"Time", "16:13:38.819"},
        {"Pid", "1702"},
        {"Tid", "8671"},
        {"Level", "D"},
        {"Component", "PowerManagerService"},
        {"Content", "acquire lock=233570404, flags=0x1, tag=\"View Lock\""}}},
      {"LOGHUB_APACHE",
       "[Sun Dec 04 04:51:08 2005] [notice] jk2_init() Found child 6725 in scoreboard slot 10",
       {{"Time", "Sun Dec 04 04:51:08 2005"},
        {"Level", "notice"},
        {"Content", "jk2_init() Found child 6725 in scoreboard slot 10"}}},
      {"LOGHUB_HDFS",
       "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block "
       "blk_38865049064139660 terminating",
       {{"Date", "081109"},
        {"Time", "203615"},
        {"Pid", "148"},
        {"Level", "INFO"},
        {"Component", "dfs.DataNode$PacketResponder"},
        {"Content", "PacketResponder 1 for block blk_38865049064139660 terminating"}}},
      {"LOGHUB_HADOOP",
       "2015-10-18 18:01:50,353 INFO [IPC Server handler 6 on 62270] org.apache.hadoop.ipc.Server: Starting",
       {{"Date", "2015-10-18"},
        {"Time", "18:01:50,353"},
        {"Level", "INFO"},
        {"Process", "IPC Server handler 6 on 62270"},
        {"Component", "org.apache.hadoop.ipc.Server"},
        {"Content", "Starting"}}},
      {"LOGHUB_LINUX",
       "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 "
       "tty=NODEVssh ruser= rhost=218.188.2.4 ",
       {{"Month", "Jun"},
        {"Date", "14"},
        {"Time", "15:16:01"},
        {"Level", "combo"},
        {"Component", "sshd(pam_unix)"},
        {"PID", "19939"},
        {"Content", "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4"}}},
      {"LOGHUB_LINUX",
       "Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2",
       {{"Month", "Jul"},
        {"Date", "7"},
        {"Time", "08:06:15"},
        {"Level", "combo"},
        {"Component", "-- root"},
        {"PID", "2421"},
        {"Content", "ROOT LOGIN ON tty2"}}},
      {"LOGHUB_LINUX",
       "Jun 19 04:09:11 combo syslogd 1.4.1: restart.",
       {{"Month", "Jun"},
        {"Date", "19"},
        {"Time", "04:09:11"},
        {"Level", "combo"},
        {"Component", "syslogd 1.4.1"},
        {"Content", "restart."}}},
      {"LOGHUB_OPENSSH",
       "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
       {{"Date", "Dec"},
        {"Day", "10"},
        {"Time", "06:55:46"},
        {"Component", "LabSZ"},
        {"Pid", "24200"},
        {"Content", "Invalid user webmaster from 173.234.31.186"}}},
      {"LOGHUB_SPARK",
       "17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn,curi",
       {{"Date", "17/06/09"},
        {"Time", "20:10:40"},
        {"Level", "INFO"},
        {"Component", "spark.SecurityManager"},
        {"Content", "Changing view acls to: yarn,curi"}}},
      {"LOGHUB_ZOOKEEPER",
       "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - "
       "Notification time out: 3200",
       {{"Date", "2015-07-29"},
        {"Time", "17:41:44,747"},
        {"Level", "INFO"},
        {"Node", "QuorumPeer[myid=1]/0"},
        {"Component", "0:0:0:0:0:0:0:2181:FastLeaderElection"},
        {"Id", "774"},
        {"Content", "Notification time out: 3200"}}},
  };
  return examples;
}

struct NonMatching {
  const char* pattern;
  std::string line;
};

const std::vector<NonMatching>& non_matching_lines() {
  static const std::vector<NonMatching> examples = {
      {"COMMONAPACHELOG", R"(127.0.0.1 - frank [10/Oct/2000:13:55:36] "GET / HTTP/1.0" 200 2326)"},
      {"HTTPD_COMMONLOG", "hello world"},
      {"COMBINEDAPACHELOG", R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326)"},
      {"HTTPD_COMBINEDLOG", R"(127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 x "-" "-")"},
      {"NGINXACCESS", "2016/10/25 14:49:34 [error] 54053#0: *1 open() failed"},
      {"NGINXERROR", "2016-10-25 14:49:34 [error] 54053#0: *1 open() failed"},
      {"HTTPD20_ERRORLOG", "Sun Dec 04 04:47:44 2005 [error] no brackets"},
      {"HTTPD24_ERRORLOG", "[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] 2.0 style"},
      {"HTTPD_ERRORLOG", "[2005-12-04 04:47:44] [error] x"},
      {"SYSLOGLINE", "Foo 11 22:14:15 host message"},
      {"SYSLOG5424LINE", "<34>Oct 11 22:14:15 mymachine su: x"},
      {"HAPROXYHTTP",
       "Feb  6 12:12:56 localhost haproxy[14387]: 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 "
       "0/0/5007 212 -- 0/0/0/0/3 0/0"},
      {"HAPROXYTCP", R"(Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 )"
                     R"([06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750)"
                     R"( - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1")"},
      {"LOG4J", "2015-10-18 18:01:47 INFO [main] org.example.Foo: no millis"},
      {"ANDROID_LOGCAT", "03-17 16:13:38  1702  2395 D WindowManager: no millis"},
      {"LOGHUB_ANDROID", "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown"},
      {"LOGHUB_APACHE", "03-17 16:13:38.811  1702  2395 D WindowManager: x"},
      {"LOGHUB_HDFS", "2015-10-18 18:01:47,978 INFO [main] org.apache.Foo: x"},
      {"LOGHUB_HADOOP", "081109 203615 148 INFO dfs.DataNode$PacketResponder: x"},
      {"LOGHUB_LINUX", "[Sun Dec 04 04:47:44 2005] [notice] x"},
      {"LOGHUB_OPENSSH", "Jun 14 15:16:01 combo su(pam_unix)[21416]: session opened"},
      {"LOGHUB_SPARK", "2015-07-29 17:41:44,747 - INFO  [main:Foo@1] - x"},
      {"LOGHUB_ZOOKEEPER", "17/06/09 20:10:40 INFO spark.SecurityManager: x"},
  };
  return examples;
}

std::shared_ptr<const GrokProgram> compile(std::string_view pattern) {
  CompileResult r = GrokCompiler(library()).compile(pattern);
  EXPECT_TRUE(r.ok()) << pattern << ": " << to_string(r.errors);
  return r.program;
}

TEST(GrokLibraryTest, LoadsWithoutErrorsAndWithoutDuplicateNames) {
  std::size_t definitions = 0;
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(test::patterns_dir())) {
    GrokPatternSet single;
    const auto errors = single.load_file(entry.path());
    EXPECT_TRUE(errors.empty()) << errors.front().to_string();
    definitions += single.size();
    files.insert(entry.path().filename().string());
  }
  GrokPatternSet all;
  const auto errors = all.load_directory(test::patterns_dir());
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(all.size(), definitions) << "a pattern name is defined in more than one file";
  for (const char* file : {"base", "datetime", "http", "syslog", "java", "haproxy", "android", "loghub"}) {
    EXPECT_EQ(files.count(file), 1u) << file;
  }
}

TEST(GrokLibraryTest, EveryPatternCompiles) {
  for (std::string_view name : library().names()) {
    const CompileResult r = GrokCompiler(library()).compile("%{" + std::string(name) + "}");
    EXPECT_TRUE(r.ok()) << name << ": " << to_string(r.errors);
  }
}

TEST(GrokLibraryTest, EveryPatternHasExamples) {
  std::set<std::string> covered;
  for (const auto& e : block_examples())
    covered.insert(e.name);
  std::set<std::string> with_lines;
  for (const auto& e : line_examples())
    with_lines.insert(e.pattern);
  std::set<std::string> with_non_matching;
  for (const auto& e : non_matching_lines())
    with_non_matching.insert(e.pattern);
  for (const auto& name : with_lines) {
    EXPECT_EQ(with_non_matching.count(name), 1u) << name << " has no non-matching example";
    covered.insert(name);
  }
  for (std::string_view name : library().names()) {
    EXPECT_EQ(covered.count(std::string(name)), 1u) << name << " has no examples";
  }
  for (const auto& name : covered)
    EXPECT_NE(library().find(name), nullptr) << name << " is not in the library";
}

TEST(GrokLibraryTest, BuildingBlocks) {
  MatchScratch scratch;
  for (const auto& e : block_examples()) {
    const auto program = compile("^%{" + std::string(e.name) + "}$");
    if (!program) continue;
    const GrokMatcher matcher(program);
    for (const auto& text : e.matching) {
      EXPECT_TRUE(matcher.match(text, scratch).matched()) << e.name << " should match '" << text << "'";
    }
    for (const auto& text : e.not_matching) {
      EXPECT_EQ(matcher.match(text, scratch).status, MatchStatus::kNoMatch)
          << e.name << " should not match '" << text << "'";
    }
  }
}

TEST(GrokLibraryTest, WholeLinePatternsCaptureTheirFields) {
  MatchScratch scratch;
  for (const auto& e : line_examples()) {
    const auto program = compile("%{" + std::string(e.pattern) + "}");
    if (!program) continue;
    const MatchResult r = GrokMatcher(program).match(e.line, scratch);
    ASSERT_TRUE(r.matched()) << e.pattern << " should match: " << e.line;
    EXPECT_EQ(r.match_begin, 0u) << e.pattern;
    EXPECT_EQ(r.match_end, e.line.size()) << e.pattern << " should match the whole line: " << e.line;
    Fields got;
    for (const Capture& c : r.captures) {
      EXPECT_TRUE(got.emplace(std::string(c.field), std::string(c.value)).second)
          << e.pattern << ": field " << c.field << " captured twice";
    }
    EXPECT_EQ(got, e.fields) << e.pattern << ": " << e.line;
  }
}

TEST(GrokLibraryTest, WholeLinePatternsRejectOtherFormats) {
  MatchScratch scratch;
  for (const auto& e : non_matching_lines()) {
    const auto program = compile("%{" + std::string(e.pattern) + "}");
    if (!program) continue;
    EXPECT_EQ(GrokMatcher(program).match(e.line, scratch).status, MatchStatus::kNoMatch)
        << e.pattern << " should not match: " << e.line;
  }
}

TEST(GrokLibraryTest, TypedFieldsOfTheAccessLog) {
  const auto program = compile("%{COMBINEDAPACHELOG}");
  ASSERT_TRUE(program);
  std::map<std::string, FieldType> types;
  for (const auto& g : program->groups())
    types[g.field] = g.type;
  EXPECT_EQ(types["response"], FieldType::kInt);
  EXPECT_EQ(types["bytes"], FieldType::kInt);
  EXPECT_EQ(types["clientip"], FieldType::kString);
}

}  // namespace
}  // namespace pyrolog::grok
