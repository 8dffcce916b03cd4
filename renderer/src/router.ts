// Hash history: the same build works from the headless server and from Electron's file:// origin.
import { createRouter, createWebHashHistory, type Router } from 'vue-router';
import NodesView from './views/NodesView.vue';
import OverviewView from './views/OverviewView.vue';

export function createConsoleRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'overview', component: OverviewView },
      { path: '/nodes/:nodeId?', name: 'nodes', component: NodesView },
      { path: '/:unknown(.*)*', redirect: '/' },
    ],
  });
}
