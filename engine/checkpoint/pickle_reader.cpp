// The pickle virtual machine, reduced to what a state_dict needs. Values live in an arena and
// refer to each other by index, so hostile memo tricks (self-references, shared sub-objects)
// cannot create ownership cycles, deep recursive destruction or exponential copies.
#include "checkpoint/pickle_reader.h"

#include "checkpoint/format_error.h"

#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace pm::formats {
namespace {

enum class Kind { None, Bool, Int, Str, Tuple, List, Dict, Global, Storage, Tensor };

struct Node {
    Kind kind = Kind::None;
    int64_t i = 0;                 // Bool / Int value; Storage numel; Tensor index into tensors
    std::string s;                 // Str text; Global "module.name"; Storage key
    std::vector<int32_t> items;    // Tuple / List elements; Dict alternating key, value
    DType dtype = DType::F32;      // Global storage type / Storage dtype
};

constexpr size_t kMaxNodes = 1u << 22, kMaxStack = 1u << 20, kMaxMemo = 1u << 22, kMaxItems = 1u << 26;

struct StorageType {
    const char* global;
    DType dtype;
};
constexpr StorageType kStorageTypes[] = {
    {"torch.FloatStorage", DType::F32}, {"torch.HalfStorage", DType::F16},  {"torch.BFloat16Storage", DType::BF16},
    {"torch.DoubleStorage", DType::F64}, {"torch.LongStorage", DType::I64}, {"torch.IntStorage", DType::I32},
    {"torch.ShortStorage", DType::I16}, {"torch.CharStorage", DType::I8},   {"torch.ByteStorage", DType::U8},
    {"torch.BoolStorage", DType::Bool},
};
constexpr const char* kOrderedDict = "collections.OrderedDict";
constexpr const char* kRebuildTensor = "torch._utils._rebuild_tensor_v2";
constexpr const char* kRebuildParameter = "torch._utils._rebuild_parameter";

class Machine {
public:
    Machine(const uint8_t* data, uint64_t size) : p_(data), end_(data + size) {}
    std::vector<PickledTensor> run();

private:
    const uint8_t* p_;
    const uint8_t* end_;
    std::vector<Node> nodes_;
    std::vector<int32_t> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint64_t, int32_t> memo_;
    std::vector<PickledTensor> tensors_;
    size_t totalItems_ = 0;

    [[noreturn]] static void fail(const std::string& m) { throw FormatError("checkpoint pickle: " + m); }
    const uint8_t* take(uint64_t n) {
        if (uint64_t(end_ - p_) < n) fail("truncated");
        const uint8_t* at = p_;
        p_ += n;
        return at;
    }
    int32_t make(Node n) {
        if (nodes_.size() >= kMaxNodes) fail("too many objects");
        nodes_.push_back(std::move(n));
        return int32_t(nodes_.size() - 1);
    }
    void push(int32_t id) {
        if (stack_.size() >= kMaxStack) fail("stack too deep");
        stack_.push_back(id);
    }
    int32_t pop() {
        if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) fail("stack underflow");
        const int32_t id = stack_.back();
        stack_.pop_back();
        return id;
    }
    int32_t top() const {
        if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) fail("stack underflow");
        return stack_.back();
    }
    std::vector<int32_t> popToMark() {
        if (marks_.empty()) fail("missing MARK");
        const size_t at = marks_.back();
        marks_.pop_back();
        std::vector<int32_t> items(stack_.begin() + long(at), stack_.end());
        stack_.resize(at);
        return items;
    }
    void countItems(size_t n) {
        totalItems_ += n;
        if (totalItems_ > kMaxItems) fail("too many container items");
    }
    int32_t makeTuple(std::vector<int32_t> items) {
        countItems(items.size());
        Node n;
        n.kind = Kind::Tuple;
        n.items = std::move(items);
        return make(std::move(n));
    }
    int32_t makeInt(int64_t v) {
        Node n;
        n.kind = Kind::Int;
        n.i = v;
        return make(std::move(n));
    }
    int32_t makeStr(const uint8_t* at, uint64_t len) {
        Node n;
        n.kind = Kind::Str;
        n.s.assign(reinterpret_cast<const char*>(at), size_t(len));
        return make(std::move(n));
    }
    void memoPut(uint64_t key) {
        if (memo_.size() >= kMaxMemo && !memo_.count(key)) fail("memo too large");
        memo_[key] = top();
    }
    void memoGet(uint64_t key) {
        const auto it = memo_.find(key);
        if (it == memo_.end()) fail("memo entry " + std::to_string(key) + " was never stored");
        push(it->second);
    }
    void global(std::string module, std::string name);
    void setItems(int32_t dictId, const std::vector<int32_t>& kv);
    void reduce();
    void persistentLoad();
    void build();
    int64_t intOf(int32_t id, const char* what) const {
        if (nodes_[size_t(id)].kind != Kind::Int) fail(std::string(what) + " is not an integer");
        return nodes_[size_t(id)].i;
    }
    std::vector<int64_t> intTuple(int32_t id, const char* what) const;
    std::vector<PickledTensor> extract(int32_t root);
};

void Machine::global(std::string module, std::string name) {
    const std::string full = module + "." + name;
    Node n;
    n.kind = Kind::Global;
    n.s = full;
    bool allowed = full == kOrderedDict || full == kRebuildTensor || full == kRebuildParameter;
    for (const StorageType& t : kStorageTypes)
        if (full == t.global) {
            allowed = true;
            n.dtype = t.dtype;
        }
    if (!allowed) {
        // Printable only, so a hostile name cannot smuggle control characters into the message.
        std::string shown;
        for (char c : full.substr(0, 80)) shown += (c >= 32 && c < 127) ? c : '?';
        fail("refusing global '" + shown + "' (only tensors of a state_dict are accepted)");
    }
    push(make(std::move(n)));
}

void Machine::setItems(int32_t dictId, const std::vector<int32_t>& kv) {
    if (nodes_[size_t(dictId)].kind != Kind::Dict) fail("SETITEM(S) on something that is not a dict");
    if (kv.size() % 2) fail("odd number of dict items");
    countItems(kv.size());
    auto& items = nodes_[size_t(dictId)].items;
    items.insert(items.end(), kv.begin(), kv.end());
}

std::vector<int64_t> Machine::intTuple(int32_t id, const char* what) const {
    const Node& n = nodes_[size_t(id)];
    if (n.kind != Kind::Tuple) fail(std::string(what) + " is not a tuple");
    if (n.items.size() > 16) fail(std::string(what) + " has more than 16 dimensions");
    std::vector<int64_t> out;
    for (int32_t e : n.items) out.push_back(intOf(e, what));
    return out;
}

void Machine::reduce() {
    const int32_t argsId = pop(), fnId = pop();
    const Node& fn = nodes_[size_t(fnId)];
    const Node& args = nodes_[size_t(argsId)];
    if (fn.kind != Kind::Global) fail("REDUCE on something that is not an allowed global");
    if (args.kind != Kind::Tuple) fail("REDUCE arguments are not a tuple");
    if (fn.s == kOrderedDict) {
        if (!args.items.empty()) fail("OrderedDict with arguments");
        Node d;
        d.kind = Kind::Dict;
        push(make(std::move(d)));
        return;
    }
    if (fn.s == kRebuildParameter) {
        // (data, requires_grad, backward_hooks): the parameter is its tensor.
        if (args.items.size() < 1 || nodes_[size_t(args.items[0])].kind != Kind::Tensor)
            fail("_rebuild_parameter without a tensor");
        push(args.items[0]);
        return;
    }
    if (fn.s == kRebuildTensor) {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.items.size() < 4) fail("_rebuild_tensor_v2 with too few arguments");
        const Node& st = nodes_[size_t(args.items[0])];
        if (st.kind != Kind::Storage) fail("_rebuild_tensor_v2 without a storage");
        PickledTensor t;
        t.dtype = st.dtype;
        t.storageKey = st.s;
        t.storageNumel = st.i;
        t.elemOffset = intOf(args.items[1], "storage offset");
        t.shape = intTuple(args.items[2], "tensor size");
        t.strides = intTuple(args.items[3], "tensor stride");
        if (t.shape.size() != t.strides.size()) fail("tensor size and stride differ in length");
        Node n;
        n.kind = Kind::Tensor;
        n.i = int64_t(tensors_.size());
        tensors_.push_back(std::move(t));
        push(make(std::move(n)));
        return;
    }
    fail("'" + fn.s + "' cannot be called");
}

void Machine::persistentLoad() {
    const Node& pid = nodes_[size_t(pop())];
    // ('storage', torch.<T>Storage, key, location, numel)
    if (pid.kind != Kind::Tuple || pid.items.size() != 5) fail("unsupported persistent id");
    const Node& tag = nodes_[size_t(pid.items[0])];
    const Node& type = nodes_[size_t(pid.items[1])];
    const Node& key = nodes_[size_t(pid.items[2])];
    if (tag.kind != Kind::Str || tag.s != "storage") fail("persistent id is not a storage");
    if (type.kind != Kind::Global || type.s.find("Storage") == std::string::npos) fail("unknown storage type");
    if (key.kind != Kind::Str || key.s.empty() || key.s.size() > 64) fail("bad storage key");
    for (char c : key.s)
        if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '_')
            fail("bad storage key");
    Node n;
    n.kind = Kind::Storage;
    n.dtype = type.dtype;
    n.s = key.s;
    n.i = intOf(pid.items[4], "storage size");
    if (n.i < 0 || n.i > kMaxElements) fail("storage size out of range");
    push(make(std::move(n)));
}

void Machine::build() {
    // state_dict's OrderedDict carries a `_metadata` attribute (module versions) set by BUILD.
    // It changes nothing about the tensors, so it is checked for shape and dropped.
    const int32_t state = pop();
    const Node& obj = nodes_[size_t(top())];
    if (obj.kind != Kind::Dict) fail("BUILD on something that is not a dict");
    if (nodes_[size_t(state)].kind != Kind::Dict) fail("BUILD with a state that is not a dict");
}

std::vector<PickledTensor> Machine::extract(int32_t root) {
    const Node& d = nodes_[size_t(root)];
    if (d.kind != Kind::Dict) fail("the file does not hold a dict of tensors (a state_dict)");
    std::vector<PickledTensor> out;
    std::unordered_set<std::string> seen;
    for (size_t i = 0; i + 1 < d.items.size(); i += 2) {
        const Node& k = nodes_[size_t(d.items[i])];
        const Node& v = nodes_[size_t(d.items[i + 1])];
        if (k.kind != Kind::Str) fail("a state_dict key is not a string");
        if (v.kind != Kind::Tensor) fail("entry '" + k.s.substr(0, 80) + "' is not a tensor");
        if (!seen.insert(k.s).second) fail("entry '" + k.s.substr(0, 80) + "' appears twice");
        PickledTensor t = tensors_[size_t(v.i)];
        t.name = k.s;
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<PickledTensor> Machine::run() {
    while (true) {
        const uint8_t op = *take(1);
        switch (op) {
        case 0x80: {   // PROTO
            const uint8_t v = *take(1);
            if (v < 2 || v > 5) fail("unsupported pickle protocol " + std::to_string(v));
            break;
        }
        case 0x95: take(8); break;   // FRAME: a length hint only
        case '}': { Node n; n.kind = Kind::Dict; push(make(std::move(n))); break; }
        case ']': { Node n; n.kind = Kind::List; push(make(std::move(n))); break; }
        case ')': push(makeTuple({})); break;
        case '(':
            if (marks_.size() >= kMaxStack) fail("too many MARKs");
            marks_.push_back(stack_.size());
            break;
        case 'X': { const uint64_t n = loadLe32(take(4)); push(makeStr(take(n), n)); break; }
        case 0x8c: { const uint64_t n = *take(1); push(makeStr(take(n), n)); break; }
        case 0x8d: { const uint64_t n = loadLe64(take(8)); push(makeStr(take(n), n)); break; }
        case 'c': {   // GLOBAL "module\nname\n"
            std::string parts[2];
            for (auto& part : parts) {
                while (true) {
                    const char ch = char(*take(1));
                    if (ch == '\n') break;
                    if (part.size() > 200) fail("global name too long");
                    part += ch;
                }
            }
            global(parts[0], parts[1]);
            break;
        }
        case 0x93: {   // STACK_GLOBAL
            const Node& name = nodes_[size_t(pop())];
            const Node& module = nodes_[size_t(pop())];
            if (name.kind != Kind::Str || module.kind != Kind::Str) fail("STACK_GLOBAL without names");
            global(module.s, name.s);
            break;
        }
        case 'q': memoPut(*take(1)); break;
        case 'r': memoPut(loadLe32(take(4))); break;
        case 0x94: memoPut(memo_.size()); break;   // MEMOIZE
        case 'h': memoGet(*take(1)); break;
        case 'j': memoGet(loadLe32(take(4))); break;
        case 'K': push(makeInt(*take(1))); break;
        case 'M': push(makeInt(loadLe16(take(2)))); break;
        case 'J': push(makeInt(int32_t(loadLe32(take(4))))); break;
        case 0x8a: {   // LONG1: little-endian two's complement of n bytes
            const uint8_t n = *take(1);
            if (n > 8) fail("integer too large");
            const uint8_t* b = take(n);
            uint64_t v = 0;
            for (int i = 0; i < n; ++i) v |= uint64_t(b[i]) << (8 * i);
            if (n > 0 && n < 8 && (b[n - 1] & 0x80)) v |= ~uint64_t(0) << (8 * n);
            push(makeInt(int64_t(v)));
            break;
        }
        case 0x88: case 0x89: { Node n; n.kind = Kind::Bool; n.i = op == 0x88; push(make(std::move(n))); break; }
        case 'N': push(make(Node{})); break;
        case 't': push(makeTuple(popToMark())); break;
        case 0x85: { const int32_t a = pop(); push(makeTuple({a})); break; }
        case 0x86: { const int32_t b = pop(), a = pop(); push(makeTuple({a, b})); break; }
        case 0x87: { const int32_t c = pop(), b = pop(), a = pop(); push(makeTuple({a, b, c})); break; }
        case 'a': {   // APPEND
            const int32_t v = pop();
            if (nodes_[size_t(top())].kind != Kind::List) fail("APPEND to something that is not a list");
            countItems(1);
            nodes_[size_t(top())].items.push_back(v);
            break;
        }
        case 'e': {   // APPENDS
            const std::vector<int32_t> items = popToMark();
            if (nodes_[size_t(top())].kind != Kind::List) fail("APPENDS to something that is not a list");
            countItems(items.size());
            auto& dst = nodes_[size_t(top())].items;
            dst.insert(dst.end(), items.begin(), items.end());
            break;
        }
        case 's': { const int32_t v = pop(), k = pop(); setItems(top(), {k, v}); break; }
        case 'u': { const std::vector<int32_t> kv = popToMark(); setItems(top(), kv); break; }
        case 'R': reduce(); break;
        case 'Q': persistentLoad(); break;
        case 'b': build(); break;
        case '.': {   // STOP
            if (stack_.size() != 1 || !marks_.empty()) fail("malformed end of pickle");
            return extract(stack_.back());
        }
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            fail(std::string("opcode ") + hex + " is not allowed in a checkpoint");
        }
        }
    }
}

}  // namespace

std::vector<PickledTensor> parseStateDictPickle(const uint8_t* data, uint64_t size) {
    return Machine(data, size).run();
}

}  // namespace pm::formats
