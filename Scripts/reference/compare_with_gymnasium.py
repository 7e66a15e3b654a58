#!/usr/bin/env python3
"""Optional cross-check of classic_control.py against Gymnasium's own environments.

Not run by the build or CI. Needs gymnasium and numpy (for example in a scratch virtualenv:
`python3 -m venv /tmp/gym && /tmp/gym/bin/pip install gymnasium numpy`), then:

    /tmp/gym/bin/python Scripts/reference/compare_with_gymnasium.py

It puts each Gymnasium environment in the reference start state, applies the same actions and
prints the largest difference from classic_control.py's trajectories, and the registered time
limits. With gymnasium 1.4.0: CartPole, MountainCar, Acrobot 0; Pendulum <= 5e-9 and
MountainCarContinuous <= 4e-8 (float32 action and state casts in Gymnasium).
"""
import os
import sys, math, numpy as np, gymnasium as gym
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import classic_control as ref

def run(envid, setstate, start, actions, refsteps, cont=False, obsfn=None):
    env = gym.make(envid).unwrapped
    env.reset(seed=0)
    setstate(env, start)
    worst = 0.0
    for a, (robs, rr, rterm) in zip(actions, refsteps):
        act = np.array([a], dtype=np.float32) if cont else a
        obs, r, term, trunc, _ = env.step(act)
        full = obsfn(env) if obsfn else np.asarray(obs, dtype=np.float64)
        worst = max(worst, float(np.max(np.abs(np.asarray(full) - np.asarray(robs)))), abs(float(r) - rr))
        assert bool(term) == rterm, (envid, term, rterm)
    print(f"{envid:28s} steps={len(refsteps)} max|diff|={worst:.3g}")

def setarr(env, s): env.state = np.array(s, dtype=np.float64)
run("CartPole-v1", setarr, (0.01,-0.02,0.03,0.04), [1,1,0,1,0,0,1,1], ref.cartpole((0.01,-0.02,0.03,0.04), [1,1,0,1,0,0,1,1]), obsfn=lambda e: e.state)
run("CartPole-v1", setarr, (0,0,0.2,0.5), [1], ref.cartpole((0,0,0.2,0.5), [1,1]), obsfn=lambda e: e.state)
for st, acts in [((-0.5,0.0),[2,2,0,1,2,0]), ((-1.19,-0.05),[0,2]), ((0.49,0.02),[2])]:
    run("MountainCar-v0", setarr, st, acts, ref.mountain_car(st, acts), obsfn=lambda e: np.array(e.state, dtype=np.float64))
for st, acts in [((-0.5,0.0),[0.5,-1.5,2.0,0.1]), ((0.44,0.03),[1.0])]:
    # gymnasium keeps this state in float32; compare loosely
    run("MountainCarContinuous-v0", setarr, st, acts, ref.mountain_car_continuous(st, acts), cont=True)
def acro_full(e):
    s = e.state
    return [math.cos(s[0]), math.sin(s[0]), math.cos(s[1]), math.sin(s[1]), s[2], s[3]]
for st, acts in [((0.05,-0.03,0.02,-0.01),[2,2,0,1,2,2,0,0,1,2]), ((3.0,-2.9,12.0,-27.0),[2,0,2]), ((2.8,0.2,0.0,0.0),[1])]:
    run("Acrobot-v1", setarr, st, acts, ref.acrobot(st, acts), obsfn=acro_full)
def pend_full(e):
    th, thd = e.state
    return [math.cos(th), math.sin(th), thd]
for st, acts in [((1.0,-0.5),[1.5,-3.0,0.0,2.5,-0.7]), ((4.0,7.9),[2.0,2.0,-2.0])]:
    run("Pendulum-v1", setarr, st, acts, ref.pendulum(st, acts), cont=True, obsfn=pend_full)
for envid in ["CartPole-v1","MountainCar-v0","MountainCarContinuous-v0","Acrobot-v1","Pendulum-v1"]:
    print(envid, "max_episode_steps =", gym.spec(envid).max_episode_steps)
