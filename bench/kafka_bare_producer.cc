// The ceiling for the Kafka sink's benchmark: a bare librdkafka producer sending each line of a file as one
// message, with the settings it is given, and waiting for every delivery report. Also a watcher that waits
// until topics hold a number of messages (how bench/kafka_bench.py times each run).
//
//   kafka_bare_producer produce BROKERS TOPIC FILE [property=value ...]
//       prints {"messages":N,"bytes":B,"seconds":S,"cpu_seconds":C,"max_rss_kb":K,"failed":F}
//   kafka_bare_producer watch BROKERS TOPIC PARTITIONS EXPECTED TIMEOUT_SECONDS
//       returns when the partitions' high watermarks add up to EXPECTED; prints {"seconds_since_epoch":T}
//
// Built by bench/kafka_bench.py with `g++ -O2 $(pkg-config --cflags --libs rdkafka)`.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>

namespace {

struct Counts {
  long long delivered = 0;
  long long failed = 0;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* counts = static_cast<Counts*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++counts->delivered;
  } else {
    ++counts->failed;
  }
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

rd_kafka_conf_t* make_conf(const char* brokers, int first, int argc, char** argv) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, error, sizeof error) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "%s\n", error);
    std::exit(2);
  }
  for (int i = first; i < argc; ++i) {
    std::string kv = argv[i];
    const auto eq = kv.find('=');
    if (eq == std::string::npos ||
        rd_kafka_conf_set(conf, kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), error, sizeof error) !=
            RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "bad property %s: %s\n", argv[i], error);
      std::exit(2);
    }
  }
  return conf;
}

int produce(int argc, char** argv) {
  if (argc < 5) return 64;
  Counts counts;
  rd_kafka_conf_t* conf = make_conf(argv[2], 5, argc, argv);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &counts);
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (rk == nullptr) {
    std::fprintf(stderr, "%s\n", error);
    return 1;
  }
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, argv[3], nullptr);
  FILE* in = std::fopen(argv[4], "r");
  if (in == nullptr) {
    std::perror(argv[4]);
    return 1;
  }
  char* line = nullptr;
  size_t capacity = 0;
  long long messages = 0;
  long long bytes = 0;
  const double began = now_seconds();
  for (ssize_t n; (n = getline(&line, &capacity, in)) > 0;) {
    if (line[n - 1] == '\n') --n;
    while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, line, static_cast<size_t>(n),
                            nullptr, 0, nullptr) != 0) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
        return 1;
      }
      rd_kafka_poll(rk, 10);
    }
    ++messages;
    bytes += n;
    rd_kafka_poll(rk, 0);
  }
  while (counts.delivered + counts.failed < messages)
    rd_kafka_poll(rk, 50);
  const double seconds = now_seconds() - began;
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf(
      "{\"messages\":%lld,\"bytes\":%lld,\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"max_rss_kb\":%ld,\"failed\":"
      "%lld}\n",
      messages, bytes, seconds, cpu, usage.ru_maxrss, counts.failed);
  std::free(line);
  std::fclose(in);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  return counts.failed == 0 ? 0 : 1;
}

int watch(int argc, char** argv) {
  if (argc < 7) return 64;
  const char* topic_name = argv[3];
  const int partitions = std::atoi(argv[4]);
  const long long expected = std::atoll(argv[5]);
  const double timeout = std::atof(argv[6]);
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, make_conf(argv[2], 7, argc, argv), error, sizeof error);
  if (rk == nullptr) {
    std::fprintf(stderr, "%s\n", error);
    return 1;
  }
  const double give_up = now_seconds() + timeout;
  for (;;) {
    long long total = 0;
    for (int p = 0; p < partitions; ++p) {
      int64_t low = 0;
      int64_t high = 0;
      if (rd_kafka_query_watermark_offsets(rk, topic_name, p, &low, &high, 5000) ==
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        total += high;
      }
    }
    if (total >= expected) break;
    if (now_seconds() > give_up) {
      std::fprintf(stderr, "only %lld of %lld messages after %.0f s\n", total, expected, timeout);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double epoch =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::printf("{\"seconds_since_epoch\":%.3f}\n", epoch);
  rd_kafka_destroy(rk);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "produce") return produce(argc, argv);
  if (mode == "watch") return watch(argc, argv);
  std::fprintf(stderr,
               "usage: kafka_bare_producer produce BROKERS TOPIC FILE [property=value ...]\n       "
               "kafka_bare_producer watch BROKERS TOPIC PARTITIONS EXPECTED TIMEOUT_SECONDS\n");
  return 64;
}
