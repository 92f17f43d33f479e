// Handover triggers on a fake clock (hand-chosen times; no sleeping).
#include "jam/handover.h"

#include <gtest/gtest.h>

using pm::jam::HandoverDetector;
using pm::jam::Trigger;

TEST(Handover, ParsesTheTriggersUsersType) {
    Trigger t;
    std::string error;
    ASSERT_TRUE(pm::jam::parseTrigger("silence:500ms", &t, &error)) << error;
    EXPECT_EQ(t.kind, Trigger::Kind::Silence);
    EXPECT_DOUBLE_EQ(t.silenceSeconds, 0.5);
    ASSERT_TRUE(pm::jam::parseTrigger("silence:1.5s", &t, &error)) << error;
    EXPECT_DOUBLE_EQ(t.silenceSeconds, 1.5);
    ASSERT_TRUE(pm::jam::parseTrigger("silence", &t, &error)) << error;
    EXPECT_DOUBLE_EQ(t.silenceSeconds, 0.5);
    ASSERT_TRUE(pm::jam::parseTrigger("cc:67", &t, &error)) << error;
    EXPECT_EQ(t.kind, Trigger::Kind::Controller);
    EXPECT_EQ(t.number, 67);
    ASSERT_TRUE(pm::jam::parseTrigger("note:108", &t, &error)) << error;
    EXPECT_EQ(t.kind, Trigger::Kind::Note);
    EXPECT_EQ(pm::jam::describe(t), "key 108");
    for (const char* bad : {"silence:500", "silence:3ms", "silence:20s", "silence:xs", "cc:128", "cc:", "note:-1", "pedal:64", ""}) {
        EXPECT_FALSE(pm::jam::parseTrigger(bad, &t, &error)) << bad;
        EXPECT_NE(error.find("--trigger"), std::string::npos) << error;
    }
}

TEST(Handover, SilenceCountsFromTheLastReleaseWhileNoKeyIsHeld) {
    HandoverDetector d;   // 500 ms
    EXPECT_FALSE(d.poll(10.0)) << "nothing played yet";
    d.noteOn(1.0, 60);
    d.noteOn(1.2, 64);
    d.noteOff(1.5, 60);
    EXPECT_FALSE(d.poll(3.0)) << "a key is still held";
    d.noteOff(3.1, 64);
    EXPECT_FALSE(d.poll(3.5));
    const auto h = d.poll(3.7);
    ASSERT_TRUE(h);
    EXPECT_DOUBLE_EQ(*h, 3.6) << "when the silence ended, not when it was noticed";
    EXPECT_FALSE(d.poll(9.0)) << "once per phrase";
    d.reset();
    d.noteOn(10.0, 62);
    d.noteOff(10.1, 62);
    EXPECT_DOUBLE_EQ(*d.poll(11.0), 10.6);
}

TEST(Handover, ANewNoteRestartsTheSilence) {
    HandoverDetector d;
    d.noteOn(0.0, 60);
    d.noteOff(0.1, 60);
    EXPECT_FALSE(d.poll(0.5));
    d.noteOn(0.55, 62);   // before the 500 ms passed
    d.noteOff(0.7, 62);
    EXPECT_FALSE(d.poll(1.1));
    EXPECT_DOUBLE_EQ(*d.poll(1.3), 1.2);
}

TEST(Handover, AControllerHandsOverOnItsPressAndIsNotMusic) {
    Trigger t;
    t.kind = Trigger::Kind::Controller;
    t.number = 64;
    HandoverDetector d(t);
    EXPECT_FALSE(d.control(0.5, 64, 127)) << "the switch is not music";
    EXPECT_FALSE(d.poll(0.6)) << "nothing played before it";
    EXPECT_FALSE(d.control(0.7, 64, 0));
    d.noteOn(1.0, 60);
    EXPECT_TRUE(d.control(1.1, 1, 90)) << "other controllers are music";
    EXPECT_FALSE(d.poll(5.0)) << "silence is not this trigger";
    d.control(2.0, 64, 100);
    d.control(2.1, 64, 127);   // still down: one press
    EXPECT_DOUBLE_EQ(*d.poll(2.2), 2.0);
}

TEST(Handover, ATriggerKeyIsASwitch) {
    Trigger t;
    t.kind = Trigger::Kind::Note;
    t.number = 21;
    HandoverDetector d(t);
    d.noteOn(1.0, 60);
    EXPECT_FALSE(d.noteOn(1.5, 21));
    EXPECT_FALSE(d.noteOff(1.6, 21));
    EXPECT_EQ(d.held(), 1) << "the trigger key is not counted as held";
    EXPECT_DOUBLE_EQ(*d.poll(1.7), 1.5);
}

TEST(Handover, AWindowKeyRequestsIt) {
    HandoverDetector d;
    d.request(0.5);
    EXPECT_FALSE(d.poll(0.6)) << "nothing to answer";
    d.noteOn(1.0, 60);
    d.request(1.2);
    EXPECT_DOUBLE_EQ(*d.poll(1.25), 1.2);
}
